-- High-value aggregated transfer relationships (macros/money_flow/money_flow_queries.sql):
--   dbt compile --select analysis:money_flow_high_value \
--     --vars '{asset: TOR, min_volume: 1000, max_rows: 20}'
{{ money_flow_high_value_sql(
    var('network', 'torus'),
    var('asset', ''),
    var('min_volume', '0'),
    var('max_rows', 20),
) }}
