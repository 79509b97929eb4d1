{#-
    ClickHouse string literals for values written into SQL text (dbt has no bind parameters for
    model SQL, and dbt.string_literal does not escape on this adapter): backslashes and quotes
    escaped, so a value such as  x' OR 1=1 --  stays one string. Used by the money-flow query
    parameters and by the rows the analytics models read back from the engine.
-#}

{% macro quoted_literal(value) -%}
    {#- A ClickHouse string literal holding exactly `value` (converted to text). -#}
    {%- set text = value | string -%}
    {{- return("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") -}}
{%- endmacro %}

{% macro quoted_literals(values) -%}
    {#- String literals of `values`: a list, or one string of comma-separated values (the
        form `--args` and `--vars` make easiest; '' gives no value). -#}
    {%- if values is string -%}
        {%- set values = values.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(quoted_literal(value)) -%}
    {%- endfor -%}
    {{- return(literals) -}}
{%- endmacro %}
