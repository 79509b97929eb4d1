{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='MergeTree()',
    order_by='(network, block_height, event_index)',
    pre_hook="{{ delete_batch_blocks() }}",
    post_hook="{{ record_watermarks() }}",
    tags=['money_flow'],
) }}
-- The events that name network entities, parsed once: Torus0.AgentRegistered (the agent's
-- address, a bare JSON string; positional or named forms read the first value),
-- SubtensorModule.NeuronRegistered [netuid, uid, hotkey], NetworkAdded [netuid, modality] and
-- NetworkRemoved (netuid), with the signer of their extrinsic. Unparsable values come out as
-- NULL or '' (see the money_flow_registration_events_parse test, which lists such events).
-- Incremental by block version, alongside balance_transfers (macros/incremental/): a run reads
-- the block versions balance_transfers has processed since its own last run; their rows are
-- deleted first, so a re-loaded block is replaced.
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
{%- set batch = block_batch_condition(batches) %}

with registration_events as (
    select
        network,
        block_height,
        block_time,
        event_index,
        extrinsic_index,
        event_id,
        attributes,
        JSONType(attributes) as attributes_type,
        load_id
    from {{ ref('stg_chain__events') }}
    where
        (
            (module_id = 'Torus0' and event_id = 'AgentRegistered')
            or (
                module_id = 'SubtensorModule'
                and event_id in ('NeuronRegistered', 'NetworkAdded', 'NetworkRemoved')
            )
        )
        and {{ batch }}
),

signed_extrinsics as (
    select
        network,
        block_height,
        extrinsic_index,
        signer
    from {{ ref('stg_chain__extrinsics') }}
    where
        {{ batch }}
        and (network, block_height, extrinsic_index) in (
            select
                registration_events.network,
                registration_events.block_height,
                registration_events.extrinsic_index
            from registration_events
        )
),

parsed_events as (
    select
        registration_events.network as network,
        registration_events.block_height as block_height,
        registration_events.block_time as block_time,
        registration_events.event_index as event_index,
        registration_events.extrinsic_index as extrinsic_index,
        multiIf(
            registration_events.event_id = 'AgentRegistered', 'agent_registered',
            registration_events.event_id = 'NeuronRegistered', 'neuron_registered',
            registration_events.event_id = 'NetworkAdded', 'subnet_added',
            'subnet_removed'
        ) as event_kind,
        multiIf(
            registration_events.event_id = 'AgentRegistered'
            and registration_events.attributes_type = 'String',
            JSONExtractString(registration_events.attributes),
            registration_events.event_id = 'AgentRegistered',
            JSONExtractString(registration_events.attributes, 1),
            registration_events.event_id = 'NeuronRegistered',
            JSONExtractString(registration_events.attributes, 3),
            ''
        ) as address,
        if(
            registration_events.attributes_type in ('Array', 'Object'),
            JSONExtract(registration_events.attributes, 1, 'Nullable(UInt16)'),
            JSONExtract(registration_events.attributes, 'Nullable(UInt16)')
        ) as netuid,
        if(
            registration_events.event_id = 'NeuronRegistered',
            JSONExtract(registration_events.attributes, 2, 'Nullable(UInt16)'),
            null
        ) as neuron_uid,
        -- '' outside a signed extrinsic
        coalesce(signed_extrinsics.signer, '') as signer,
        registration_events.attributes as attributes,
        registration_events.load_id as _version
    from registration_events
    left join signed_extrinsics
        on
            registration_events.network = signed_extrinsics.network
            and registration_events.block_height = signed_extrinsics.block_height
            and registration_events.extrinsic_index = signed_extrinsics.extrinsic_index
)

select
    network,
    block_height,
    block_time,
    event_index,
    extrinsic_index,
    event_kind,
    address,
    netuid,
    neuron_uid,
    signer,
    attributes,
    _version
from parsed_events
