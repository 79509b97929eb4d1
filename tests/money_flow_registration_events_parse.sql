{{ config(severity='warn') }}
-- Registration events whose attributes do not give what the money-flow entities need (an
-- address for agents and neurons, a netuid and uid for neurons, a netuid for subnets): they
-- are left out of money_flow_agents / _neurons / _subnets, and listed here, not dropped
-- silently.
select
    network,
    block_height,
    event_index,
    event_kind,
    attributes
from {{ ref('int_money_flow__registration_events') }}
where
    (event_kind in ('agent_registered', 'neuron_registered') and address = '')
    or (event_kind = 'neuron_registered' and neuron_uid is null)
    or (event_kind in ('neuron_registered', 'subnet_added', 'subnet_removed') and netuid is null)
