{#
  The `delete_insert` incremental strategy of the analytics and money-flow models (a root-project
  macro replaces dbt-clickhouse's of the same name). The new rows go into a Memory table in one
  CREATE ... AS SELECT (the models' SELECTs read the target itself, so nothing is deleted before
  they ran); their columns are compared with the table's, so a model changed without a
  --full-refresh stops the run naming each column instead of casting or dropping values; then
  the target's rows with those keys are deleted and the new rows inserted by column name. New rows
  matching model meta `tombstone_condition` (a key left without data) only delete.
#}
{% macro clickhouse__incremental_delete_insert(
    existing_relation, unique_key, incremental_predicates, is_distributed=False
) %}
    {%- if is_distributed -%}
        {{ exceptions.raise_compiler_error(
            "delete_insert: distributed tables are not supported by this project's strategy "
            ~ "(macros/incremental/delete_insert_strategy.sql)") }}
    {%- endif -%}
    {%- set new_data_name = existing_relation.identifier ~ '__dbt_new_data_'
        ~ invocation_id.replace('-', '_') -%}
    {%- set new_data = existing_relation.incorporate(path={'identifier': new_data_name}) -%}
    {%- set query_settings = adapter.get_model_query_settings(model) -%}
    {%- set predicates = incremental_predicates or [] -%}
    {%- set tombstone_condition = (config.get('meta') or {}).get('tombstone_condition') -%}
    {%- set create_sql -%}
        create table {{ new_data }} engine = Memory as
        {{ sql }}
        {{ query_settings }}
    {%- endset -%}
    {%- set delete_sql -%}
        delete from {{ existing_relation }}
        where ({{ unique_key }}) in (select {{ unique_key }} from {{ new_data }})
        {%- for predicate in predicates %} and {{ predicate }}{% endfor %}
        {{ query_settings }}
    {%- endset -%}
    {% call statement('main') %}{{ create_sql }}{% endcall %}
    {%- set column_names = [] -%}
    {%- set table_types = {} -%}
    {%- set new_types = {} -%}
    {%- set columns_sql -%}
        select table, name, type
        from system.columns
        where
            database = '{{ existing_relation.schema }}'
            and table in ('{{ existing_relation.identifier }}', '{{ new_data_name }}')
        order by table, position
    {%- endset -%}
    {%- for row in run_query(columns_sql).rows -%}
        {%- if row[0] == existing_relation.identifier -%}
            {%- do column_names.append(adapter.quote(row[1])) -%}
            {%- do table_types.update({row[1]: row[2]}) -%}
        {%- else -%}
            {%- do new_types.update({row[1]: row[2]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set differences = [] -%}
    {%- for name, type in table_types.items() -%}
        {%- if name not in new_types -%}
            {%- do differences.append(name ~ ' ' ~ type ~ ' is only in the table') -%}
        {%- elif new_types[name] != type -%}
            {%- do differences.append(name ~ ' is ' ~ type ~ ' in the table, ' ~ new_types[name]
                ~ ' in the model') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name, type in new_types.items() if name not in table_types -%}
        {%- do differences.append(name ~ ' ' ~ type ~ ' is only in the model') -%}
    {%- endfor -%}
    {%- if differences -%}
        {% do adapter.drop_relation(new_data) %}
        {{ exceptions.raise_compiler_error(
            "delete_insert: the columns of " ~ existing_relation ~ " no longer match its model ("
            ~ differences | join('; ') ~ "). Nothing was changed; rebuild the table with "
            ~ "`dbt run --full-refresh --select " ~ model.name ~ "`") }}
    {%- endif -%}
    {% call statement('delete_existing_data') %}{{ delete_sql }}{% endcall %}
    {%- set columns = column_names | join(', ') -%}
    {%- set insert_sql -%}
        insert into {{ existing_relation }} ({{ columns }})
        select {{ columns }} from {{ new_data }}
        {%- if tombstone_condition %} where not ({{ tombstone_condition }}){% endif %}
        {{ query_settings }}
    {%- endset -%}
    {% call statement('insert_new_data') %}{{ insert_sql }}{% endcall %}
    {% do adapter.drop_relation(new_data) %}
{% endmacro %}
