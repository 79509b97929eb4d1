{{ config(materialized='view', tags=['money_flow']) }}
-- The design's Neuron node: one row per Bittensor neuron slot (netuid, uid), owned by the
-- hotkey of its latest SubtensorModule.NeuronRegistered (a uid is re-used when it is
-- deregistered and taken by another hotkey), from its OWNS relations.
select
    network,
    netuid,
    neuron_uid,
    argMax(owner_address, is_current_owner) as owner_address,
    min(first_registered_at) as first_registered_at,
    max(last_registered_at) as last_registered_at,
    max(last_registered_block_height) as last_registered_block_height,
    sum(registration_count) as registration_count
from {{ ref('money_flow_neuron_owners') }}
group by network, netuid, neuron_uid
