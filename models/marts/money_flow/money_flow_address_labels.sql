{{ config(materialized='view', tags=['money_flow']) }}
-- Labels of every labelled address: agent (Torus agents), genesis (Torus genesis accounts),
-- neuron_owner and neuron_owner_sn{netuid} (Bittensor hotkeys that registered a neuron),
-- subnet_creator and subnet_creator_sn{netuid}, system (system counterparties such as
-- 'treasury' or 'emission'), unknown ('' : the unrecorded coldkey of legacy Bittensor stakes).
with address_labels as (
    select
        network,
        address,
        'agent' as label
    from {{ ref('money_flow_agents') }}

    union all

    select
        network,
        address,
        'genesis' as label
    from {{ ref('money_flow_genesis_accounts') }}

    union all

    select
        network,
        owner_address as address,
        arrayJoin(['neuron_owner', concat('neuron_owner_sn', toString(netuid))]) as label
    from {{ ref('money_flow_neuron_owners') }}

    union all

    select
        network,
        creator_address as address,
        arrayJoin(['subnet_creator', concat('subnet_creator_sn', toString(netuid))]) as label
    from {{ ref('money_flow_subnet_creators') }}

    union all

    -- the graph's nodes that are no account
    select
        network,
        node.1 as address,
        if(node.1 = '', 'unknown', 'system') as label
    from {{ ref('money_flow_edges') }}
    array join [(from_address, from_is_system), (to_address, to_is_system)] as node
    where node.2 or node.1 = ''
)

select
    network,
    address,
    arraySort(groupUniqArray(label)) as labels
from address_labels
group by network, address
