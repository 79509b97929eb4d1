{#
  Final SELECT of an analytics table built from CTE `aggregate_cte` (its key_columns then its
  measures, in this order: INSERT ... SELECT maps by position).
  Full build, or an incremental run of new blocks only: the aggregate as it is. Incremental run
  after a block was replaced (analytics_has_replaced_blocks): the aggregate LEFT JOINed onto
  every key it covers, i.e. its own keys plus the keys this table already holds that match
  `touched_condition` (SQL on this table's columns). A key whose transfers are all gone gets
  type defaults (transfer_count = 0), so delete_insert deletes its old row and, that row being
  a tombstone (analytics_table_config), inserts nothing for it. Needs join_use_nulls = 0.
#}
{% macro analytics_select_recomputed(aggregate_cte, key_columns, measures, touched_condition) %}
{% if analytics_has_replaced_blocks() %}
, recomputed_keys as (
    select {{ key_columns | join(', ') }}
    from {{ aggregate_cte }}
    union distinct
    select {{ key_columns | join(', ') }}
    from {{ this }}
    where {{ touched_condition }}
)

select
    {% for key in key_columns %}
        recomputed_keys.{{ key }},
    {% endfor %}
{% for measure in measures %}
{{ aggregate_cte }}.{{ measure }}{{ ',' if not loop.last }}
{% endfor %}
from recomputed_keys
left join {{ aggregate_cte }}
    on
        {% for key in key_columns %}
            recomputed_keys.{{ key }} = {{ aggregate_cte }}.{{ key }}{{ ' and' if not loop.last }}
        {% endfor %}
{% else %}

select
    {% for column in key_columns + measures %}
{{ column }}{{ ',' if not loop.last }}
{% endfor %}
from {{ aggregate_cte }}
{% endif %}
{% endmacro %}

{#
  Final SELECT of an analytics table whose incremental run adds new transfers to stored rows:
  `aggregate_cte` holds the new transfers aggregated per key (key_columns then measures), and
  each key's stored row, if any, is merged in. The merge follows the measure's name: a set
  ('senders', 'receivers': sorted distinct arrays) is united; 'min_*' and 'first_*' take the
  least, 'max_*', 'last_*', 'is_*' and '_version' the greatest; every other measure is a sum.
  Exact only when the new transfers are not in the stored rows yet (no replaced block).
#}
{% macro analytics_select_merged(aggregate_cte, key_columns, measures) %}
{%- set columns = key_columns + measures -%}
{%- set merges = [] -%}
{%- for column in measures -%}
{%- if column in ('senders', 'receivers') -%}
{%- do merges.append('arraySort(groupUniqArrayArray(' ~ column ~ ')) as ' ~ column) -%}
{%- elif column.startswith(('min_', 'first_')) -%}
{%- do merges.append('min(' ~ column ~ ') as ' ~ column) -%}
{%- elif column.startswith(('max_', 'last_', 'is_')) or column == '_version' -%}
{%- do merges.append('max(' ~ column ~ ') as ' ~ column) -%}
{%- else -%}
{%- do merges.append('sum(' ~ column ~ ') as ' ~ column) -%}
{%- endif -%}
{%- endfor -%}
, stored_rows as (
    select {{ columns | join(', ') }}
    from {{ this }}
    where ({{ key_columns | join(', ') }}) in (
        select {{ key_columns | join(', ') }}
        from {{ aggregate_cte }}
    )
),

row_parts as (
    select {{ columns | join(', ') }}
    from {{ aggregate_cte }}
    union all
    select {{ columns | join(', ') }}
    from stored_rows
)

select
    {{ key_columns | join(', ') }},
    {{ merges | join(',\n    ') }}
from row_parts
group by {{ key_columns | join(', ') }}
{% endmacro %}
