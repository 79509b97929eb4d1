-- Edges within max_depth hops of a set of addresses, direction out / in / both, asset filter,
-- row cap (macros/money_flow/money_flow_queries.sql). Parameters are dbt vars, bound safely:
--   dbt compile --select analysis:money_flow_explore \
--     --vars '{addresses: "A, B", direction: both, asset: TOR, max_depth: 2, max_rows: 1000}'
{{ money_flow_explore_sql(
    var('network', 'torus'),
    var('addresses', ''),
    var('direction', 'out'),
    var('asset', ''),
    var('max_depth', 2),
    var('max_rows', 1000),
) }}
