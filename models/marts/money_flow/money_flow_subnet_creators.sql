{{ config(materialized='view', tags=['money_flow']) }}
-- The design's CREATED relation: the account that added a subnet, i.e. the signer of the
-- extrinsic that emitted SubtensorModule.NetworkAdded. One row per creation (a netuid can be
-- removed and added again); creations outside a signed extrinsic have no creator and no row.
select
    network,
    signer as creator_address,
    assumeNotNull(netuid) as netuid,
    block_time as created_at,
    block_height as created_block_height,
    event_index
from {{ ref('int_money_flow__registration_events') }}
where event_kind = 'subnet_added' and netuid is not null and signer != ''
