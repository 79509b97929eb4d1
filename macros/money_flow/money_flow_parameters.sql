{#-
    Safe binding of the money-flow query parameters. run-operation macros and analyses build SQL
    text, so every value an analyst passes goes through one of these or through quoted_literal
    (macros/quoted_literals.sql): strings become quoted ClickHouse literals with backslashes and
    quotes escaped, numbers are checked to be numbers, choices are checked against their list.
    An address such as  x' OR 1=1 --  is then just a string that matches no address.
-#}

{% macro money_flow_required(value, name) -%}
    {#- `value` trimmed, or a compile error naming the parameter when it is missing or empty. -#}
    {%- set text = '' if value is none else value | string | trim -%}
    {%- if text == '' -%}
        {{- return(money_flow_fail('money flow: ' ~ name ~ ' is required', '')) -}}
    {%- endif -%}
    {{- return(text) -}}
{%- endmacro %}

{% macro money_flow_count(value, name, maximum) -%}
    {#- A whole number between 1 and `maximum`, or a compile error naming the parameter. -#}
    {%- set text = value | string | trim -%}
    {%- if not (text.isdigit() and text.isascii()) or (text | int) < 1 or (text | int) > maximum -%}
        {{- return(money_flow_fail(
            'money flow: ' ~ name ~ ' must be a whole number from 1 to ' ~ maximum ~ ', got ' ~ value, 1)) -}}
    {%- endif -%}
    {{- return(text | int) -}}
{%- endmacro %}

{% macro money_flow_amount(value, name) -%}
    {#- A non-negative decimal number in token units, as an exact Decimal literal. -#}
    {%- set text = value | string | trim -%}
    {%- set parts = text.split('.') -%}
    {%- set whole_ok = parts[0].isdigit() and parts[0].isascii() and parts[0] | length <= 20 -%}
    {%- set fraction_ok = parts | length == 1 or (
        parts | length == 2 and parts[1].isdigit() and parts[1].isascii() and parts[1] | length <= 18) -%}
    {%- if not (whole_ok and fraction_ok) -%}
        {{- return(money_flow_fail(
            'money flow: ' ~ name ~ ' must be a non-negative decimal number, got ' ~ value, '0')) -}}
    {%- endif -%}
    {{- return("toDecimal128('" ~ text ~ "', 18)") -}}
{%- endmacro %}

{% macro money_flow_choice(value, name, choices) -%}
    {#- One of `choices`, or a compile error listing them. -#}
    {%- if value not in choices -%}
        {{- return(money_flow_fail(
            'money flow: ' ~ name ~ ' must be one of ' ~ choices | join(', ') ~ ', got ' ~ value,
            choices[0])) -}}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{% macro money_flow_asset_condition(asset, column='asset') -%}
    {#- SQL condition keeping edges of `asset`; true when no asset is given ('' or none). -#}
    {%- if asset is none or (asset | string | trim) == '' -%}
        {{- return('true') -}}
    {%- endif -%}
    {{- return(column ~ ' = ' ~ quoted_literal(asset | string | trim)) -}}
{%- endmacro %}

{% macro money_flow_fail(message, lint_value=none) -%}
    {#- Stops compilation with `message`. Only where dbt's `exceptions` is missing (sqlfluff
        renders the analyses with placeholder vars) it answers `lint_value` instead. -#}
    {%- if exceptions is defined -%}
        {{- exceptions.raise_compiler_error(message) -}}
    {%- endif -%}
    {{- return(lint_value) -}}
{%- endmacro %}
