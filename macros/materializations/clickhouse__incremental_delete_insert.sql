{#
  The `delete_insert` incremental strategy of this project's models (analytics and money flow),
  in fewer statements than dbt-clickhouse 1.10's own, which this macro replaces (a root-project
  macro takes precedence over the adapter's of the same name; no other model uses the strategy).

  dbt-clickhouse creates the new-data table empty from the model's SELECT (ClickHouse plans the
  whole query and runs its IN subqueries for that), adds its indexes, then inserts the SELECT into
  it: the query is prepared twice. Here the new rows go into a Memory table in one CREATE ... AS
  SELECT; then, as before, the target's rows with those keys are deleted (lightweight DELETE) and
  the new rows inserted by column name. The new rows are kept in a table before anything is
  deleted because the models' SELECTs read the target itself (watermark, touched keys).
  Model meta `tombstone_condition` (SQL on the model's columns): new rows matching it only
  delete the stored row of their key and are not inserted (a recomputed key left without data),
  so no separate DELETE of such rows is needed afterwards. The DELETE reads the keys through a
  SELECT of every column the INSERT will copy: a target column the new rows lack (a column
  renamed in the model, without a --full-refresh) fails the run before anything is deleted.
  The new-data table's name holds the
  invocation id, so it cannot exist yet (no DROP before the CREATE).
  Distributed tables are not supported (the project targets one server or chDB).
#}
{% macro clickhouse__incremental_delete_insert(
    existing_relation, unique_key, incremental_predicates, is_distributed=False
) %}
    {%- if is_distributed -%}
        {{ exceptions.raise_compiler_error(
            "delete_insert: distributed tables are not supported by this project's strategy "
            ~ "(macros/materializations/clickhouse__incremental_delete_insert.sql)") }}
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
    {%- set column_names = adapter.get_columns_in_relation(existing_relation)
        | map(attribute='quoted') | list -%}
    {%- set columns = column_names | join(', ') -%}
    {%- set delete_sql -%}
        delete from {{ existing_relation }}
        where ({{ unique_key }}) in (
            select {{ unique_key }}
            from (select new_rows.{{ column_names | join(', new_rows.') }} from {{ new_data }} as new_rows)
        )
        {%- for predicate in predicates %} and {{ predicate }}{% endfor %}
        {{ query_settings }}
    {%- endset -%}
    {% call statement('main') %}{{ create_sql }}{% endcall %}
    {% call statement('delete_existing_data') %}{{ delete_sql }}{% endcall %}
    {%- set insert_sql -%}
        insert into {{ existing_relation }} ({{ columns }})
        select {{ columns }} from {{ new_data }}
        {%- if tombstone_condition %} where not ({{ tombstone_condition }}){% endif %}
        {{ query_settings }}
    {%- endset -%}
    {% call statement('insert_new_data') %}{{ insert_sql }}{% endcall %}
    {% do adapter.drop_relation(new_data) %}
{% endmacro %}
