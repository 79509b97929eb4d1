{% test accepted_values(model, column_name, values, quote=true) %}
{#-
    Overrides dbt's built-in `accepted_values` with the same arguments and meaning: fails with
    one row per value of `column_name` outside `values`, with how many rows hold it.
    quote=false compares against the values as SQL literals (numbers, booleans).
    NULL is reported too (it is not in any list); add `where` config to exclude it on purpose.
-#}
    {%- set literals = [] -%}
    {%- for value in values -%}
    {%- do literals.append(dbt.string_literal(value) if quote else value | string) -%}
{%- endfor %}
select
    {{ column_name }} as value_field,
    count() as occurrences
from {{ model }}
where {{ column_name }} is null or {{ column_name }} not in ({{ literals | join(', ') }})
group by {{ column_name }}
{% endtest %}
