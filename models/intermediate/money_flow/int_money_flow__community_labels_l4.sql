{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='node_key',
    tags=['money_flow', 'graph_analytics'],
) }}
-- Level 4 of community detection: local moving on the level's graph.
{{ money_flow_local_moving(
    ref('int_money_flow__community_links_l4'), var('money_flow_community_iterations', 8)
) }}
