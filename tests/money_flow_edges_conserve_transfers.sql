-- money_flow_edges agrees with balance_transfers: per network and asset, the edges hold every
-- transfer once (count) and every amount exactly (sum). Fails with the differing groups.
with transfer_totals as (
    select
        network,
        asset,
        count() as transfer_count,
        sum(amount) as total_volume
    from {{ ref('balance_transfers') }}
    group by network, asset
),

edge_totals as (
    select
        network,
        asset,
        sum(transfer_count) as transfer_count,
        sum(total_volume) as total_volume
    from {{ ref('money_flow_edges') }}
    group by network, asset
)

select
    transfer_totals.network as network,
    transfer_totals.asset as asset,
    transfer_totals.transfer_count as transfers,
    edge_totals.transfer_count as edge_transfers,
    transfer_totals.total_volume as transfer_volume,
    edge_totals.total_volume as edge_volume
from transfer_totals
full outer join edge_totals
    on transfer_totals.network = edge_totals.network and transfer_totals.asset = edge_totals.asset
where
    transfer_totals.transfer_count != edge_totals.transfer_count
    or transfer_totals.total_volume != edge_totals.total_volume
