-- Top addresses of a community by community PageRank, the community given by community_id or
-- by one of its addresses (macros/money_flow/money_flow_queries.sql):
--   dbt compile --select analysis:money_flow_community_top --vars '{address: A, max_rows: 10}'
{{ money_flow_community_top_sql(
    var('network', 'torus'),
    var('community_id', ''),
    var('address', ''),
    var('max_rows', 10),
) }}
