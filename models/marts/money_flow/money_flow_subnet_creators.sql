{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, creator_address, netuid, created_block_height)',
    tags=['money_flow'],
) }}
-- The design's CREATED relation: the account that added a subnet, i.e. the signer of the
-- extrinsic that emitted SubtensorModule.NetworkAdded. One row per creation (a netuid can be
-- removed and added again); creations outside a signed extrinsic have no creator and no row.
select
    subnet_events.network as network,
    extrinsics.signer as creator_address,
    assumeNotNull(subnet_events.netuid) as netuid,
    subnet_events.block_time as created_at,
    subnet_events.block_height as created_block_height,
    subnet_events.event_index as event_index
from {{ ref('int_money_flow__registration_events') }} as subnet_events
inner join {{ ref('stg_chain__extrinsics') }} as extrinsics
    on
        subnet_events.network = extrinsics.network
        and subnet_events.block_height = extrinsics.block_height
        and subnet_events.extrinsic_index = extrinsics.extrinsic_index
where
    subnet_events.event_kind = 'subnet_added'
    and subnet_events.netuid is not null
    and extrinsics.signer != ''
