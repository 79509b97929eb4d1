{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(source_key, target_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- Level 4 of community detection: level 3's communities as nodes.
{{ money_flow_community_links(
    ref('int_money_flow__community_links_l3'), ref('int_money_flow__community_labels_l3')
) }}
