{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, owner_address, netuid, neuron_uid)',
    tags=['money_flow'],
) }}
-- The design's OWNS relation: an address (hotkey) and a neuron it registered. Kept after the
-- uid passes to another hotkey; is_current_owner tells whether it still holds it.
with ownerships as (
    select
        network,
        address as owner_address,
        assumeNotNull(netuid) as netuid,
        assumeNotNull(neuron_uid) as neuron_uid,
        min(block_time) as first_registered_at,
        max(block_time) as last_updated_at,
        max(block_height) as last_updated_block_height,
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
    ownerships.network as network,
    ownerships.owner_address as owner_address,
    ownerships.netuid as netuid,
    ownerships.neuron_uid as neuron_uid,
    ownerships.first_registered_at as first_registered_at,
    ownerships.last_updated_at as last_updated_at,
    ownerships.last_updated_block_height as last_updated_block_height,
    ownerships.registration_count as registration_count,
    neurons.owner_address = ownerships.owner_address as is_current_owner
from ownerships
inner join {{ ref('money_flow_neurons') }} as neurons
    on
        ownerships.network = neurons.network
        and ownerships.netuid = neurons.netuid
        and ownerships.neuron_uid = neurons.neuron_uid
