{{ config(materialized='view') }}
-- Transfers the rules found but could not record exactly, with the reason. Nothing is dropped
-- silently: every event a rule matched is in balance_transfers or here.
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
    rejected_attributes as attributes,
    _version
from {{ ref('int_transfers_extracted') }}
where row_kind = 'rejected'
