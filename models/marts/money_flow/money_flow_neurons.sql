{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, netuid, neuron_uid)',
    tags=['money_flow'],
) }}
-- The design's Neuron node: one row per Bittensor neuron slot (netuid, uid), owned by the
-- hotkey of its latest SubtensorModule.NeuronRegistered (a uid is re-used when it is
-- deregistered and taken by another hotkey).
select
    network,
    assumeNotNull(netuid) as netuid,
    assumeNotNull(neuron_uid) as neuron_uid,
    argMax(address, (block_height, event_index)) as owner_address,
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
group by network, netuid, neuron_uid
