{#
  Singular-test body: the (network, asset) whose transfer count, volume or fees summed over the
  periods of `period_model` (a ref to a table with transfer_count, total_volume, total_fees)
  differ from balance_transfers. No row = every transfer is counted in exactly one period.
#}
{% macro analytics_conservation_failures(period_model) %}
with

period_totals as (
    select
        network,
        asset,
        sum(transfer_count) as period_transfer_count,
        sum(total_volume) as period_volume,
        sum(total_fees) as period_fees
    from {{ period_model }}
    group by network, asset
),

transfer_totals as (
    select
        network,
        asset,
        count() as transfer_count,
        sum(amount) as volume,
        sum(fee) as fees
    from {{ ref('balance_transfers') }}
    group by network, asset
)

select
    transfer_totals.network as transfers_network,
    period_totals.network as periods_network,
    transfer_totals.asset as transfers_asset,
    period_totals.asset as periods_asset,
    transfer_totals.transfer_count,
    period_totals.period_transfer_count,
    transfer_totals.volume,
    period_totals.period_volume,
    transfer_totals.fees,
    period_totals.period_fees
from transfer_totals
full outer join period_totals
    on
        transfer_totals.network = period_totals.network
        and transfer_totals.asset = period_totals.asset
where
    transfer_totals.transfer_count != period_totals.period_transfer_count
    or transfer_totals.volume != period_totals.period_volume
    or transfer_totals.fees != period_totals.period_fees
{% endmacro %}
