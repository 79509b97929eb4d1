{% macro show_built_tables() %}
    {#- Prints every table and view of the target database with its row count (for `make demo`). -#}
    {%- set listing -%}
        select name, engine, total_rows
        from system.tables
        where database = {{ dbt.string_literal(target.schema) }}
        order by name
    {%- endset -%}
    {%- set rows = run_query(listing) -%}
    {{ print("\n%-45s %-28s %12s" | format("table", "engine", "rows")) }}
    {%- for row in rows %}
        {%- set count = row[2] if row[2] is not none else run_query(
            "select count() from " ~ adapter.quote(target.schema) ~ "." ~ adapter.quote(row[0])
        ).columns[0].values()[0] %}
        {{- print("%-45s %-28s %12s" | format(row[0], row[1], count)) }}
    {%- endfor %}
{% endmacro %}
