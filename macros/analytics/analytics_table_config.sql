{#
  Config of every analytics table: incremental delete_insert on its key (readers need no
  FINAL); MergeTree sorted by the key, with wide parts (a lightweight delete then writes a row
  mask instead of rewriting a compact part with its aggregation states: 1 s -> 0.05 s on the
  buckets); join_use_nulls = 0 (analytics_select_recomputed relies on type defaults for keys
  without transfers); such keys' new rows (transfer_count = 0) only delete their stored row
  (tombstone_condition, see macros/materializations/), so readers never see a stale row.
#}
{% macro analytics_table_config(key_columns, partition_by=none) %}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete_insert',
        unique_key=key_columns | join(', '),
        engine='MergeTree()',
        order_by='(' ~ key_columns | join(', ') ~ ')',
        partition_by=partition_by,
        settings={'min_bytes_for_wide_part': 0},
        query_settings={'join_use_nulls': 0},
        meta={'tombstone_condition': 'transfer_count = 0'},
    ) }}
{% endmacro %}
