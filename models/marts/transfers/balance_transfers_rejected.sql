{{ config(materialized='view') }}
-- Transfers the rules found but could not record exactly, with the reason. Nothing is dropped
-- silently: every event a rule matched outside a failed extrinsic is in balance_transfers or
-- here. The event's name and attributes come from the events (primary-key look-up of the few
-- rejected positions), so the hot path never carries attributes along.
with rejected_transfers as (
    select
        network,
        block_height,
        event_index,
        extrinsic_index,
        block_timestamp,
        block_time,
        transfer_type,
        from_address,
        to_address,
        asset,
        amount_text,
        fee_text,
        reject_reason,
        _version
    from {{ ref('int_transfers_extracted') }}
    where row_kind = 'rejected'
),

rejected_events as (
    select
        network,
        block_height,
        event_index,
        module_id,
        event_id,
        attributes
    from {{ ref('stg_chain__events') }}
    where
        (network, block_height, event_index) in (
            select
                rejected_transfers.network,
                rejected_transfers.block_height,
                rejected_transfers.event_index
            from rejected_transfers
        )
)

select
    rejected_transfers.network as network,
    rejected_transfers.block_height as block_height,
    rejected_transfers.event_index as event_index,
    rejected_transfers.extrinsic_index as extrinsic_index,
    rejected_transfers.block_timestamp as block_timestamp,
    rejected_transfers.block_time as block_time,
    rejected_events.module_id as module_id,
    rejected_events.event_id as event_id,
    rejected_transfers.transfer_type as transfer_type,
    rejected_transfers.from_address as from_address,
    rejected_transfers.to_address as to_address,
    rejected_transfers.asset as asset,
    rejected_transfers.amount_text as amount_text,
    rejected_transfers.fee_text as fee_text,
    rejected_transfers.reject_reason as reject_reason,
    rejected_events.attributes as attributes,
    rejected_transfers._version as _version
from rejected_transfers
left join rejected_events
    on
        rejected_transfers.network = rejected_events.network
        and rejected_transfers.block_height = rejected_events.block_height
        and rejected_transfers.event_index = rejected_events.event_index
