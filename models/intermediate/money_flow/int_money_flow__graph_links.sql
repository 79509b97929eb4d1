{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, source_key, target_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- The graph the analytics run on: one directed link per (network, sender, receiver), all assets
-- together, with volume as a float weight (PageRank) and the transfer count (communities).
-- Nodes are keyed by cityHash64(network, address) (test: no two addresses share a key). The
-- unknown sender or receiver of legacy Bittensor stake rows ('') is left out of the analytics.
select
    network,
    cityHash64(network, from_address) as source_key,
    cityHash64(network, to_address) as target_key,
    -- summed exactly, then converted: a Float64 sum would depend on the order of the rows
    toFloat64(sum(toDecimal256(total_volume, 18))) as volume,
    sum(transfer_count) as transfer_count
from {{ ref('money_flow_edges') }}
where from_address != '' and to_address != ''
group by network, source_key, target_key
