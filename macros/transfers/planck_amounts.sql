{#-
    Planck amounts (the text of a number as the rule read it: a JSON number's characters or a
    JSON string's content, possibly beyond 2^64) to token units as Decimal128(18), exactly:
    never through Float64. Decimal128(18) holds |x| < 10^20 tokens, so a planck amount fits
    when it has at most 20 + decimals digits (leading zeros aside). The scaled integer
    amount * 10^(18 - decimals) is then below 10^38 and is reinterpreted as Decimal128(18).
-#}

{% macro planck_integer_text(amount_text) -%}
    {#- The digits of the unsigned integer `amount_text` denotes, or '' when it denotes none.
        Every exact form JSON allows is read: 1000, 1e21, 1E+21, 2.50e20, 5.0, 1000.000; a
        negative, fractional (1.5, 1e-3), hexadecimal or non-numeric text gives ''. An exponent
        above 80 keeps 80 zeros: too large either way. -#}
    multiIf(
        match({{ amount_text }}, '^[0-9]+$'), {{ amount_text }},
        match({{ amount_text }}, '^[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$'),
        {{ planck_expanded_text(
            "extractGroups(" ~ amount_text ~ ", '^([0-9]+)(?:\\\\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$')"
        ) }},
        ''
    )
{%- endmacro %}

{% macro planck_expanded_text(groups) -%}
    {#- The integer of [whole digits, fraction digits, exponent] (extractGroups), or ''. The
        fraction's digits join the whole ones and the exponent shifts the point: a positive
        shift appends zeros, a negative one must drop only zeros. -#}
    {%- set digits = 'concat(' ~ groups ~ '[1], ' ~ groups ~ '[2])' -%}
    {%- set shift = 'toInt64OrZero(' ~ groups ~ '[3]) - length(' ~ groups ~ '[2])' -%}
    multiIf(
        {{ shift }} >= 0, concat({{ digits }}, repeat('0', toUInt64(least({{ shift }}, 80)))),
        trim(leading '0' from {{ digits }}) = '', '0',
        endsWith({{ digits }}, repeat('0', toUInt64(-({{ shift }})))),
        substring({{ digits }}, 1, length({{ digits }}) + ({{ shift }})),
        ''
    )
{%- endmacro %}

{% macro planck_digits(integer_text) -%}
    {#- The digits without leading zeros ('' for zero). -#}
    trim(leading '0' from {{ integer_text }})
{%- endmacro %}

{% macro planck_fits_decimal128_18(digits, decimals) -%}
    {#- SQL: the amount fits Decimal128(18) in token units (below 10^20 tokens). -#}
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
