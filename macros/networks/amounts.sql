{#-
    Planck amounts (the text of an unsigned integer as the rule read it: a JSON number's exact
    digits or a JSON string's content, possibly beyond 2^64) to token units as Decimal128(18),
    exactly: never through Float64. Decimal128(18) holds |x| < 10^20 tokens, so a planck amount
    fits when it is below 10^(20 + decimals), i.e. has at most 20 + decimals digits (leading
    zeros aside). The scaled integer amount * 10^(18 - decimals) is then below 10^38 and is
    reinterpreted as Decimal128(18) (2.6x faster than dividing a Decimal256).
-#}

{% macro planck_text_is_unsigned_integer(amount_text) -%}
    {#- Digits only: rejects -5, 1.5, 12abc, 1e30, 0x1f and '' (absent). A JSON number written
        5.0 or 1e5 is read as its integer value (5, 100000) by JSONExtract and accepted. -#}
    match({{ amount_text }}, '^[0-9]+$')
{%- endmacro %}

{% macro planck_digits(amount_text) -%}
    {#- The digits without leading zeros ('' for zero). -#}
    trim(leading '0' from {{ amount_text }})
{%- endmacro %}

{% macro planck_fits_decimal128_18(digits, decimals) -%}
    length({{ digits }}) <= 20 + {{ decimals }}
{%- endmacro %}

{% macro planck_to_decimal128_18(digits, decimals) -%}
    {#- Only for digits that passed planck_fits_decimal128_18 and decimals <= 18. -#}
    reinterpret(
        toInt128OrZero({{ digits }}) * toInt128(intExp10(18 - {{ decimals }})), 'Decimal128(18)'
    )
{%- endmacro %}

{% macro decimals_at_height(block_height) -%}
    {#- The asset's decimals at a block (network settings columns in scope): Polkadot's DOT
        had 12 decimals below its redenomination height 1,248,328 and 10 from there on. -#}
    if({{ block_height }} < redenomination_height, decimals_before_redenomination, decimals)
{%- endmacro %}
