{{ config(materialized='view', tags=['money_flow']) }}
-- The design's OWNS relation: an address (hotkey) and a neuron it registered. Kept after the
-- uid passes to another hotkey; is_current_owner tells whether it made the uid's latest
-- registration (money_flow_neurons is built from this model).
with ownerships as (
    select
        network,
        address as owner_address,
        assumeNotNull(netuid) as netuid,
        assumeNotNull(neuron_uid) as neuron_uid,
        min(block_time) as first_registered_at,
        max(block_time) as last_registered_at,
        max(block_height) as last_registered_block_height,
        max((block_height, event_index)) as last_registration,
        count() as registration_count
    from {{ ref('int_money_flow__registration_events') }}
    where
        event_kind = 'neuron_registered'
        and netuid is not null
        and neuron_uid is not null
        and address != ''
    group by network, owner_address, netuid, neuron_uid
)

select
    network,
    owner_address,
    netuid,
    neuron_uid,
    first_registered_at,
    last_registered_at,
    last_registered_block_height,
    registration_count,
    last_registration
    = max(last_registration) over (partition by network, netuid, neuron_uid) as is_current_owner
from ownerships
