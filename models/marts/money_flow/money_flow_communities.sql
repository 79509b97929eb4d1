{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, community_id)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- The design's Community node: one row per detected community with its size and the member
-- that ranks highest in the community's own PageRank.
select
    network,
    community_id,
    count() as community_size,
    argMax(address, (community_page_rank, address)) as top_address,
    max(community_page_rank) as top_community_page_rank,
    sum(page_rank) as page_rank_total
from {{ ref('int_money_flow__address_analytics') }}
group by network, community_id
