{% macro get_show_sql(compiled_code, sql_header, limit) -%}
    {#- dbt show (overrides dbt's macro of the same name): stops with the loader hint before
        anything is loaded (dbt show runs no on-run-start hook), and puts the model's SQL in a
        subquery so the limit applies whatever clause the SQL ends with. -#}
    {%- do require_raw_tables() -%}
    {%- if sql_header is not none %}
        {{ sql_header }}
    {%- endif %}
    select * from (
        {{ compiled_code }}
    ){% if limit is not none %} limit {{ limit }}{% endif %}
{%- endmacro %}
