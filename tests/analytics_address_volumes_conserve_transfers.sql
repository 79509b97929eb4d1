-- address_analytics sees every transfer between two accounts exactly once from each end: per
-- network and asset, sent and received volumes and counts equal those of balance_transfers
-- without system counterparties (the default) and without the unknown account ''.
with

address_totals as (
    select
        network,
        asset,
        sum(sent_count) as sent_count,
        sum(received_count) as received_count,
        sum(sent_volume) as sent_volume,
        sum(received_volume) as received_volume
    from {{ ref('address_analytics') }}
    group by network, asset
),

transfer_totals as (
    select
        network,
        asset,
        countIf(from_address != '') as sent_count,
        countIf(to_address != '') as received_count,
        sumIf(amount, from_address != '') as sent_volume,
        sumIf(amount, to_address != '') as received_volume
    from {{ ref('balance_transfers') }}
    {% if not analytics_include_system() %}
        where not from_is_system and not to_is_system
    {% endif %}
    group by network, asset
)

select
    transfer_totals.network as transfers_network,
    address_totals.network as addresses_network,
    transfer_totals.asset as transfers_asset,
    address_totals.asset as addresses_asset,
    transfer_totals.sent_count as transfers_sent_count,
    address_totals.sent_count as addresses_sent_count,
    transfer_totals.sent_volume as transfers_sent_volume,
    address_totals.sent_volume as addresses_sent_volume
from transfer_totals
full outer join address_totals
    on
        transfer_totals.network = address_totals.network
        and transfer_totals.asset = address_totals.asset
where
    transfer_totals.sent_count != address_totals.sent_count
    or transfer_totals.received_count != address_totals.received_count
    or transfer_totals.sent_volume != address_totals.sent_volume
    or transfer_totals.received_volume != address_totals.received_volume
