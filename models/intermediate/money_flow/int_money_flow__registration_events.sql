{{ config(tags=['money_flow']) }}
-- The events that name network entities, parsed once: Torus0.AgentRegistered (the agent's
-- address, a bare JSON string; positional or named forms read the first value),
-- SubtensorModule.NeuronRegistered [netuid, uid, hotkey], NetworkAdded [netuid, modality] and
-- NetworkRemoved (netuid). Unparsable values come out as NULL or '' (see the
-- money_flow_registration_events_parse test, which lists such events).
with registration_events as (
    select
        network,
        block_height,
        block_time,
        event_index,
        extrinsic_index,
        event_id,
        attributes,
        JSONType(attributes) as attributes_type
    from {{ ref('stg_chain__events') }}
    where
        (module_id = 'Torus0' and event_id = 'AgentRegistered')
        or (
            module_id = 'SubtensorModule'
            and event_id in ('NeuronRegistered', 'NetworkAdded', 'NetworkRemoved')
        )
)

select
    network,
    block_height,
    block_time,
    event_index,
    extrinsic_index,
    multiIf(
        event_id = 'AgentRegistered', 'agent_registered',
        event_id = 'NeuronRegistered', 'neuron_registered',
        event_id = 'NetworkAdded', 'subnet_added',
        'subnet_removed'
    ) as event_kind,
    multiIf(
        event_id = 'AgentRegistered' and attributes_type = 'String', JSONExtractString(attributes),
        event_id = 'AgentRegistered', JSONExtractString(attributes, 1),
        event_id = 'NeuronRegistered', JSONExtractString(attributes, 3),
        ''
    ) as address,
    if(
        attributes_type in ('Array', 'Object'),
        JSONExtract(attributes, 1, 'Nullable(UInt16)'),
        JSONExtract(attributes, 'Nullable(UInt16)')
    ) as netuid,
    if(
        event_id = 'NeuronRegistered', JSONExtract(attributes, 2, 'Nullable(UInt16)'), null
    ) as neuron_uid,
    attributes
from registration_events
