-- address_analytics sees every transfer from each account at its ends exactly once: per
-- network and asset, its sent and received counts and volumes, and the parts with a system
-- counterparty, equal those of balance_transfers (system counterparties and the unknown
-- account '' are no addresses).
with

address_totals as (
    select
        network,
        asset,
        sum(sent_count) as sent_count,
        sum(received_count) as received_count,
        sum(sent_volume) as sent_volume,
        sum(received_volume) as received_volume,
        sum(sent_to_system_volume) as sent_to_system_volume,
        sum(received_from_system_volume) as received_from_system_volume
    from {{ ref('address_analytics') }}
    group by network, asset
),

transfer_totals as (
    select
        network,
        asset,
        countIf(from_address != '' and not from_is_system) as sent_count,
        countIf(to_address != '' and not to_is_system) as received_count,
        sumIf(amount, from_address != '' and not from_is_system) as sent_volume,
        sumIf(amount, to_address != '' and not to_is_system) as received_volume,
        sumIf(amount, from_address != '' and not from_is_system and to_is_system)
            as sent_to_system_volume,
        sumIf(amount, to_address != '' and not to_is_system and from_is_system)
            as received_from_system_volume
    from {{ ref('balance_transfers') }}
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
    address_totals.sent_volume as addresses_sent_volume,
    transfer_totals.received_from_system_volume as transfers_received_from_system_volume,
    address_totals.received_from_system_volume as addresses_received_from_system_volume
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
    or transfer_totals.sent_to_system_volume != address_totals.sent_to_system_volume
    or transfer_totals.received_from_system_volume != address_totals.received_from_system_volume
