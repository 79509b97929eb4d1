{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, node_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- Each analytics node's community: its level-1 label followed up through levels 2 to 4.
-- community_id is the node key of the address whose label the community kept.
select
    nodes.network as network,
    nodes.node_key as node_key,
    nodes.address as address,
    level_4.label as community_id,
    count() over (partition by nodes.network, level_4.label) as community_size
from {{ ref('int_money_flow__graph_nodes') }} as nodes
inner join {{ ref('int_money_flow__community_labels_l1') }} as level_1
    on nodes.node_key = level_1.node_key
inner join {{ ref('int_money_flow__community_labels_l2') }} as level_2
    on level_1.label = level_2.node_key
inner join {{ ref('int_money_flow__community_labels_l3') }} as level_3
    on level_2.label = level_3.node_key
inner join {{ ref('int_money_flow__community_labels_l4') }} as level_4
    on level_3.label = level_4.node_key
