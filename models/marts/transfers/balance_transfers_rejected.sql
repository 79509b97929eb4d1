{{ event_rows_table_config() }}
-- Transfers the rules found but could not record exactly, with the reason: every event a rule
-- matched outside a failed extrinsic is in balance_transfers or here. Processes the block
-- versions balance_transfers has processed.
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
with extracted_transfers as (
    {{ transfer_extraction(batches, with_event_text=true) }}
)

select
    network,
    block_height,
    event_index,
    extrinsic_index,
    block_timestamp,
    block_time,
    module_id,
    event_id,
    transfer_type,
    from_address,
    to_address,
    asset,
    amount_text,
    fee_text,
    reject_reason,
    attributes,
    _version
from extracted_transfers
where reject_reason != ''
