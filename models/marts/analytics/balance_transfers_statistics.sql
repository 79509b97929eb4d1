{{ config(materialized='view') }}
-- The design's balance_transfers_statistics_view: all-time figures per network and asset,
-- computed from balance_transfers when queried (always exact, nothing to keep in step).
select
    network,
    asset,
    count() as transfer_count,
    sum(amount) as total_volume,
    sum(fee) as total_fees,
    -- '' (the unknown account of legacy stake events) is not an address
    uniqExactIf(from_address, from_address != '') as unique_senders,
    uniqExactIf(to_address, to_address != '') as unique_receivers,
    uniqExactArray(arrayFilter(address -> address != '', [from_address, to_address]))
        as unique_addresses,
    min(amount) as min_amount,
    max(amount) as max_amount,
    sum(amount) / count() as avg_amount,
    {{ analytics_median('amount') }} as median_amount,
    sqrt({{ analytics_variance('count()', 'sum(amount)', analytics_square_sum('amount')) }})
        as stddev_amount,
    sum(fee) / count() as avg_fee,
    min(block_height) as first_block,
    max(block_height) as last_block,
    min(block_time) as first_activity_at,
    max(block_time) as last_activity_at
from {{ ref('balance_transfers') }}
group by network, asset
