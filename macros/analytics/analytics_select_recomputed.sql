{#
  Final SELECT of an analytics table built from CTE `aggregate_cte` (its key_columns then its
  measures, in this order: INSERT ... SELECT maps by position).
  Full build, or an incremental run of new blocks only: the aggregate as it is. Incremental run
  after a block was replaced (analytics_has_replaced_blocks): the aggregate LEFT JOINed onto
  every key it covers, i.e. its own keys plus the keys this table already holds that match
  `touched_condition` (SQL on this table's columns). A key whose transfers are all gone gets
  type defaults (transfer_count = 0), so delete_insert deletes its old row and, that row being
  a tombstone (analytics_table_config), inserts nothing for it. Needs join_use_nulls = 0
  (the profiles set it).
  `has_replaced`: analytics_has_replaced_blocks(), or analytics_touched_rows' answer.
#}
{% macro analytics_select_recomputed(
    aggregate_cte, key_columns, measures, touched_condition, has_replaced) %}
{% if has_replaced %}
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
