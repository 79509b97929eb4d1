-- Addresses with the most similar network_embedding, by cosine distance
-- (macros/money_flow/money_flow_queries.sql):
--   dbt compile --select analysis:money_flow_similar --vars '{address: A, max_rows: 10}'
{{ money_flow_similar_sql(
    var('network', 'torus'),
    var('address', ''),
    var('max_rows', 10),
) }}
