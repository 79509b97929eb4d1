-- int_money_flow__address_stats agrees with money_flow_edges, per network: every transfer on
-- an edge is counted once on each side, and the volume received equals the volume sent.
with edge_totals as (
    select
        network,
        2 * sum(transfer_count) as side_count,
        sum(volume) as volume
    from {{ ref('money_flow_edges') }}
    group by network
),

address_totals as (
    select
        network,
        sum(transfer_count) as side_count,
        sum(volume_in) as volume_in,
        sum(volume_out) as volume_out
    from {{ ref('int_money_flow__address_stats') }}
    group by network
)

select
    edge_totals.network as network,
    edge_totals.side_count as edge_side_count,
    address_totals.side_count as address_side_count,
    edge_totals.volume as edge_volume,
    address_totals.volume_in as volume_in,
    address_totals.volume_out as volume_out
from edge_totals
full outer join address_totals on edge_totals.network = address_totals.network
where
    edge_totals.side_count != address_totals.side_count
    or edge_totals.volume != address_totals.volume_in
    or edge_totals.volume != address_totals.volume_out
