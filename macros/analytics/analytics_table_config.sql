{#
  Config of every analytics table: incremental delete_insert on its key (readers need no
  FINAL); MergeTree sorted by the key. Keys left without transfers get transfer_count = 0 (or
  their `count_column` = 0) and only delete their stored row (tombstone_condition, see
  macros/incremental/), so readers never see a stale row. The watermark is recorded after each
  run. The staking marts use it too, with their own count column.
#}
{% macro analytics_table_config(key_columns, partition_by=none, count_column='transfer_count') %}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete_insert',
        unique_key=key_columns | join(', '),
        engine='MergeTree()',
        order_by='(' ~ key_columns | join(', ') ~ ')',
        partition_by=partition_by,
        meta={'tombstone_condition': count_column ~ ' = 0'},
        post_hook="{{ record_watermarks() }}",
    ) }}
{% endmacro %}
