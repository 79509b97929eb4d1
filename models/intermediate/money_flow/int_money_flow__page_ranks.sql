{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(graph_scope, node_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- PageRank of every analytics node over its network's graph and over its community's graph.
{{ money_flow_page_rank(ref('int_money_flow__page_rank_links')) }}
