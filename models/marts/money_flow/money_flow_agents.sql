{{ config(materialized='view', tags=['money_flow']) }}
-- The design's Agent node: every address registered as an agent (Torus0.AgentRegistered).
select
    network,
    address,
    min(block_time) as first_registered_at,
    min(block_height) as first_registered_block_height,
    max(block_time) as last_registered_at,
    max(block_height) as last_registered_block_height,
    count() as registration_count
from {{ ref('int_money_flow__registration_events') }}
where event_kind = 'agent_registered' and address != ''
group by network, address
