{% macro event_rows_table_config() %}
    {#- Config of a table of event rows built beside balance_transfers from the block versions
        it has processed (balance_transfers_rejected, stake_movement_legs, bittensor_alpha_fees):
        appended per block, a re-processed block's rows deleted first, keyed like the events. -#}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        engine='MergeTree()',
        order_by='(network, block_height, event_index)',
        partition_by='network',
        pre_hook="{{ delete_batch_blocks() }}",
        post_hook="{{ record_watermarks() }}",
    ) }}
{% endmacro %}
