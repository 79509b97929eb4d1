-- balance_transfers with the amount bin each transfer falls in (1 = smallest, see
-- analytics_amount_bin_names); assets missing from the seed use its '_default' bins.
with

transfer_rows as (
    select
        network,
        block_height,
        event_index,
        block_time,
        from_address,
        to_address,
        from_is_system,
        to_is_system,
        asset,
        amount,
        fee,
        _version
    from {{ ref('balance_transfers') }}
),

asset_bin_floors as (
    select
        asset as bin_asset,
        bin_floors
    from {{ ref('int_analytics__amount_bin_floors') }}
),

default_bin_floors as (
    select bin_floors
    from asset_bin_floors
    where bin_asset = '_default'
),

transfers_with_bin_floors as (
    select
        transfer_rows.network,
        transfer_rows.block_height,
        transfer_rows.event_index,
        transfer_rows.block_time,
        transfer_rows.from_address,
        transfer_rows.to_address,
        transfer_rows.from_is_system,
        transfer_rows.to_is_system,
        transfer_rows.asset,
        transfer_rows.amount,
        transfer_rows.fee,
        if(
            empty(asset_bins.bin_floors), default_bin_floors.bin_floors, asset_bins.bin_floors
        ) as amount_bin_floors,
        transfer_rows._version
    from transfer_rows
    left join asset_bin_floors as asset_bins on transfer_rows.asset = asset_bins.bin_asset
    cross join default_bin_floors
)

select
    network,
    block_height,
    event_index,
    block_time,
    from_address,
    to_address,
    from_is_system,
    to_is_system,
    asset,
    amount,
    fee,
    arrayCount(bin_floor -> amount >= bin_floor, amount_bin_floors) as amount_bin,
    _version
from transfers_with_bin_floors
