{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(graph_scope, graph_key, source_key, target_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- The graphs PageRank runs on (macros/money_flow/money_flow_page_rank.sql), weighted by volume:
-- graph_scope 'network', the whole graph of each network; 'community', each community's own
-- subgraph (links between two of its members). One row per link with its share of the source's
-- out-volume (weight_share), plus one self row per node.
{#- An Enum, not a String: the PageRank iterations join and group on it. -#}
{%- set scope_type = "Enum8('network' = 1, 'community' = 2)" %}
{%- set network_scope = "cast('network' as " ~ scope_type ~ ")" %}
{%- set community_scope = "cast('community' as " ~ scope_type ~ ")" %}

with scoped_nodes as (
    select
        {{ network_scope }} as graph_scope,
        cityHash64(network) as graph_key,
        node_key
    from {{ ref('int_money_flow__graph_nodes') }}

    union all

    select
        {{ community_scope }} as graph_scope,
        community_id as graph_key,
        node_key
    from {{ ref('int_money_flow__communities') }}
),

-- Each link with its source's community; links inside a community are those whose (target,
-- source's community) is a member: a set lookup, not a second join (as a three-way join the
-- planner may first pair every two members of a community, quadratic in its size).
sourced_links as (
    select
        links.source_key as source_key,
        links.target_key as target_key,
        links.volume as volume,
        sources.community_id as source_community_id
    from {{ ref('int_money_flow__graph_links') }} as links
    inner join {{ ref('int_money_flow__communities') }} as sources
        on links.source_key = sources.node_key
),

scoped_links as (
    select
        {{ network_scope }} as graph_scope,
        source_key,
        target_key,
        volume
    from {{ ref('int_money_flow__graph_links') }}

    union all

    select
        {{ community_scope }} as graph_scope,
        sourced_links.source_key as source_key,
        sourced_links.target_key as target_key,
        sourced_links.volume as volume
    from sourced_links
    where (sourced_links.target_key, sourced_links.source_community_id) in (
        select
            communities.node_key,
            communities.community_id
        from {{ ref('int_money_flow__communities') }} as communities
    )
),

out_volumes as (
    select
        graph_scope,
        source_key,
        sum(volume) as out_volume
    from scoped_links
    group by graph_scope, source_key
),

nodes as (
    select
        scoped_nodes.graph_scope as graph_scope,
        scoped_nodes.graph_key as graph_key,
        scoped_nodes.node_key as node_key,
        count() over (partition by scoped_nodes.graph_scope, scoped_nodes.graph_key) as graph_size,
        -- No out-volume (no out-link, or only zero-amount ones): a dangling node.
        out_volumes.out_volume as out_volume
    from scoped_nodes
    left join out_volumes
        on
            scoped_nodes.graph_scope = out_volumes.graph_scope
            and scoped_nodes.node_key = out_volumes.source_key
)

select
    nodes.graph_scope as graph_scope,
    nodes.graph_key as graph_key,
    scoped_links.source_key as source_key,
    scoped_links.target_key as target_key,
    scoped_links.volume / nodes.out_volume as weight_share,
    false as is_self,
    nodes.graph_size as graph_size,
    false as is_dangling
from scoped_links
inner join nodes
    on scoped_links.graph_scope = nodes.graph_scope and scoped_links.source_key = nodes.node_key
where nodes.out_volume > 0

union all

select
    graph_scope,
    graph_key,
    node_key as source_key,
    node_key as target_key,
    0 as weight_share,
    true as is_self,
    graph_size,
    out_volume = 0 as is_dangling
from nodes
