-- Shortest directed path between two addresses (macros/money_flow/money_flow_queries.sql), the
-- asset filter applied during the search. Parameters are dbt vars, bound safely:
--   dbt compile --select analysis:money_flow_shortest_path \
--     --vars '{network: torus, source_address: A, target_address: B, asset: TOR, max_depth: 6}'
-- then run target/compiled/substrate_flows/analyses/money_flow_shortest_path.sql.
{{ money_flow_shortest_path_sql(
    var('network', 'torus'),
    var('source_address', ''),
    var('target_address', ''),
    var('asset', ''),
    var('max_depth', 6),
) }}
