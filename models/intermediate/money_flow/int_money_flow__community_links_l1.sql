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

{{ money_flow_community_link_rows('directed_links', 'nodes') }}
