{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='ReplacingMergeTree(_version)',
    order_by='(network, block_height, event_index)',
    partition_by='(network, block_range_start)',
    indexes=[
        {'name': 'idx_from_address', 'definition': 'from_address TYPE bloom_filter(0.01) GRANULARITY 4'},
        {'name': 'idx_to_address', 'definition': 'to_address TYPE bloom_filter(0.01) GRANULARITY 4'},
    ],
    contract={'enforced': true},
    on_schema_change='fail',
    pre_hook="{{ delete_batch_blocks() }}",
    post_hook=[
        "{{ insert_remaining_chunks() }}",
        "{{ record_watermarks() }}",
    ],
) }}
-- One row per balance transfer. The rows of every block a run re-processes are deleted before
-- its new rows land (pre_hook), so readers need no FINAL; ReplacingMergeTree is a safety net.
-- A long history is extracted in chunks of loads, one statement each (post_hook). The legs of
-- a stake movement are part of the movement's row, so they are in stake_movement_legs.
{%- set chunks = incremental_chunks(
    incremental_batches(), var('transfer_extraction_chunk_events')) %}
{{ incremental_header(chunks) }}
with extracted_transfers as (
    {{ transfer_extraction(
        chunks[0] if chunks else chunks,
        rule_batches=chunks | sum(start=[]) if chunks is not none else none
    ) }}
)

select
    network,
    block_height,
    event_index,
    extrinsic_index,
    if(
        extrinsic_index is null,
        '',
        concat(toString(block_height), '-', toString(assumeNotNull(extrinsic_index)))
    ) as extrinsic_id,
    concat(toString(block_height), '-', toString(event_index)) as event_idx,
    block_timestamp,
    block_time,
    from_address,
    to_address,
    asset,
    amount,
    amount_raw,
    fee,
    transfer_type,
    from_is_system,
    to_is_system,
    netuid,
    destination_netuid,
    alpha_amount,
    stake_fee,
    block_range_start,
    _version
from extracted_transfers
where reject_reason = '' and movement_event_index is null
