{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(source_key, target_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- Level 1 of community detection (macros/money_flow/money_flow_communities.sql): the
-- undirected graph weighted by transfer count (u-v weighs count(u->v) + count(v->u)), both
-- directions of each link, plus one self row per node. Strength = the node's transfer count
-- (a self-transfer counts on both sides, as a self-loop in a node's degree), 2m its sum.
with undirected_links as (
    select
        network,
        least(source_key, target_key) as node_a,
        greatest(source_key, target_key) as node_b,
        toFloat64(sum(transfer_count)) as weight
    from {{ ref('int_money_flow__graph_links') }}
    where source_key != target_key
    group by network, node_a, node_b
),

nodes as (
    select
        network,
        node_key,
        strength,
        sum(strength) over (partition by network) as two_m
    from {{ ref('int_money_flow__graph_nodes') }}
),

directed_links as (
    select
        network,
        node_a as source_key,
        node_b as target_key,
        weight
    from undirected_links

    union all

    select
        network,
        node_b as source_key,
        node_a as target_key,
        weight
    from undirected_links
)

select
    directed_links.network as network,
    directed_links.source_key as source_key,
    directed_links.target_key as target_key,
    directed_links.weight as weight,
    false as is_self,
    nodes.strength as target_strength,
    nodes.two_m as two_m
from directed_links
inner join nodes on directed_links.target_key = nodes.node_key

union all

select
    network,
    node_key as source_key,
    node_key as target_key,
    0 as weight,
    true as is_self,
    strength as target_strength,
    two_m
from nodes
