{{ config(materialized='view', tags=['money_flow']) }}
-- The design's Subnet node: one row per Bittensor netuid, as of its latest
-- SubtensorModule.NetworkAdded (netuids are re-used after NetworkRemoved).
with subnet_events as (
    select
        network,
        assumeNotNull(netuid) as netuid,
        event_kind,
        block_time,
        block_height,
        event_index
    from {{ ref('int_money_flow__registration_events') }}
    where event_kind in ('subnet_added', 'subnet_removed') and netuid is not null
),

subnets as (
    select
        network,
        netuid,
        argMaxIf(block_time, (block_height, event_index), event_kind = 'subnet_added')
            as created_at,
        maxIf(block_height, event_kind = 'subnet_added') as created_block_height,
        minIf(block_time, event_kind = 'subnet_added') as first_created_at,
        countIf(event_kind = 'subnet_added') as creation_count,
        argMax(event_kind, (block_height, event_index)) = 'subnet_added' as is_active,
        maxIf(block_time, event_kind = 'subnet_removed') as last_removed_at
    from subnet_events
    group by network, netuid
    having countIf(event_kind = 'subnet_added') > 0
),

creators as (
    select
        network,
        netuid,
        created_block_height,
        argMax(creator_address, event_index) as creator_address
    from {{ ref('money_flow_subnet_creators') }}
    group by network, netuid, created_block_height
)

select
    subnets.network as network,
    subnets.netuid as netuid,
    concat('subnet_', toString(subnets.netuid)) as label,
    subnets.created_at as created_at,
    subnets.created_block_height as created_block_height,
    subnets.first_created_at as first_created_at,
    subnets.creation_count as creation_count,
    subnets.is_active as is_active,
    if(subnets.is_active, null, subnets.last_removed_at) as removed_at,
    -- The signer of the latest creation; '' when it was not in a signed extrinsic.
    creators.creator_address as creator_address
from subnets
left join creators
    on
        subnets.network = creators.network
        and subnets.netuid = creators.netuid
        and subnets.created_block_height = creators.created_block_height
