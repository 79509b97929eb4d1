{#-
    Safe binding of the money-flow query parameters. run-operation macros and analyses build SQL
    text, so every value an analyst passes goes through one of these: strings become quoted
    ClickHouse literals with backslashes and quotes escaped (dbt.string_literal does not escape on
    this adapter), numbers are checked to be numbers, choices are checked against their list.
    An address such as  x' OR 1=1 --  is then just a string that matches no address.
-#}

{% macro money_flow_literal(value) -%}
    {#- A ClickHouse string literal holding exactly `value` (converted to text). -#}
    {%- set text = value | string -%}
    {{- return("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") -}}
{%- endmacro %}

{% macro money_flow_literal_list(values) -%}
    {#- A parenthesised list of string literals. `values` is a list, or one string holding
        comma-separated values (the form `--args` and `--vars` make easiest). -#}
    {%- if values is string -%}
        {%- set values = values.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- endif -%}
    {%- if values | length == 0 -%}
        {{- exceptions.raise_compiler_error('money flow: give at least one address') -}}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(money_flow_literal(value)) -%}
    {%- endfor -%}
    {{- return('(' ~ literals | join(', ') ~ ')') -}}
{%- endmacro %}

{% macro money_flow_count(value, name, maximum) -%}
    {#- A whole number between 1 and `maximum`, or a compile error naming the parameter. -#}
    {%- set text = value | string | trim -%}
    {%- set is_whole = modules.re.fullmatch('[0-9]+', text) -%}
    {%- if not is_whole or (text | int) < 1 or (text | int) > maximum -%}
        {{- exceptions.raise_compiler_error(
            'money flow: ' ~ name ~ ' must be a whole number from 1 to ' ~ maximum ~ ', got ' ~ value) -}}
    {%- endif -%}
    {{- return(text | int) -}}
{%- endmacro %}

{% macro money_flow_amount(value, name) -%}
    {#- A non-negative decimal number in token units, as an exact Decimal literal. -#}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{1,20}([.][0-9]{1,18})?', text) -%}
        {{- exceptions.raise_compiler_error(
            'money flow: ' ~ name ~ ' must be a non-negative decimal number, got ' ~ value) -}}
    {%- endif -%}
    {{- return("toDecimal128('" ~ text ~ "', 18)") -}}
{%- endmacro %}

{% macro money_flow_choice(value, name, choices) -%}
    {#- One of `choices`, or a compile error listing them. -#}
    {%- if value not in choices -%}
        {{- exceptions.raise_compiler_error(
            'money flow: ' ~ name ~ ' must be one of ' ~ choices | join(', ') ~ ', got ' ~ value) -}}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{% macro money_flow_asset_condition(asset, column='asset') -%}
    {#- SQL condition keeping edges of `asset`; true when no asset is given ('' or none). -#}
    {%- if asset is none or (asset | string | trim) == '' -%}
        {{- return('true') -}}
    {%- endif -%}
    {{- return(column ~ ' = ' ~ money_flow_literal(asset | string | trim)) -}}
{%- endmacro %}
