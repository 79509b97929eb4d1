-- Every asset of seeds/analytics_amount_bins.csv (and `_default`) lists exactly the bins of
-- analytics_amount_bin_names, in that order, from 0 upwards with strictly increasing bounds.
{%- set names = analytics_amount_bin_names() %}
with

asset_bins as (
    select
        asset,
        arrayMap(bin -> bin.2, arraySort(groupArray((bin_index, bin_name)))) as bin_names,
        arrayMap(bin -> bin.2, arraySort(groupArray((bin_index, min_amount)))) as bin_floors,
        arraySort(groupArray(bin_index)) as bin_indexes,
        arrayAll(
            (lower, upper) -> lower < upper, arrayPopBack(bin_floors), arrayPopFront(bin_floors)
        ) as has_increasing_floors
    from {{ ref('analytics_amount_bins') }}
    group by asset
),

default_assets as (
    select count() as default_asset_count
    from asset_bins
    where asset = '_default'
)

select
    asset_bins.asset,
    asset_bins.bin_names,
    asset_bins.bin_floors
from asset_bins
cross join default_assets
where
    asset_bins.bin_names != {{ "['" ~ names | join("', '") ~ "']" }}
    or asset_bins.bin_indexes != range(1, {{ names | length + 1 }})
    or asset_bins.bin_floors[1] != 0
    or not asset_bins.has_increasing_floors
    or default_assets.default_asset_count != 1
