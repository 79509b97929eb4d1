{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, node_key)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- The nodes of the analytics graph: every address with a link in int_money_flow__graph_links.
with node_sides as (
    select
        network,
        from_address as address,
        total_volume,
        transfer_count
    from {{ ref('money_flow_edges') }}
    where from_address != '' and to_address != ''

    union all

    select
        network,
        to_address as address,
        toDecimal128(0, 18) as total_volume,
        transfer_count
    from {{ ref('money_flow_edges') }}
    where from_address != '' and to_address != ''
)

select
    network,
    cityHash64(network, address) as node_key,
    address,
    -- summed exactly, then converted: a Float64 sum would depend on the order of the rows
    toFloat64(sum(toDecimal256(total_volume, 18))) as out_volume,
    toFloat64(sum(transfer_count)) as strength
from node_sides
group by network, address
