{% macro raw_database() %}
    {#- The raw database the loader writes: $FLOWS_RAW_DATABASE, else var raw_database. -#}
    {{ return(env_var('FLOWS_RAW_DATABASE', var('raw_database'))) }}
{% endmacro %}

{% macro require_raw_tables() %}
    {#- on-run-start: stop every dbt command, in one line, until the loader has created the raw
        tables this project reads. -#}
    {%- if execute -%}
        {%- set found = run_query(
            "select count() from system.tables where database = " ~ quoted_literal(raw_database())
            ~ " and name in ('blocks', 'events', 'extrinsics')").rows[0][0] -%}
        {%- if found < 3 -%}
            {{ exceptions.raise_compiler_error(
                'No blocks loaded yet (database ' ~ raw_database() ~ ' has no raw tables): run '
                ~ '`substrate-loader load --network NAME FILE` (or `make demo`) first.') }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{% macro raw_table_exists(name) %}
    {#- Whether the loader has created the raw table `name` (true while dbt parses). -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(run_query(
        "select count() from system.tables where database = " ~ quoted_literal(raw_database())
        ~ " and name = " ~ quoted_literal(name)).rows[0][0] > 0) }}
{% endmacro %}
