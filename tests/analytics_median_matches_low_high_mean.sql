-- analytics_median takes the low and high middle values from one quantilesExact selection at
-- levels 0.5 - 2^-40 and 0.5, which relies on the engine's position floor(level * n): on this
-- engine it must equal the mean of quantileExactLow(0.5) and quantileExactHigh(0.5), per block
-- (groups of every size the data has, odd and even) and per network and asset.
{%- set low_high_mean = '(quantileExactLow(0.5)(amount) + quantileExactHigh(0.5)(amount)) / 2' %}
with

block_medians as (
    select
        network,
        asset,
        toString(block_height) as value_group,
        count() as value_count,
        {{ analytics_median('amount') }} as median_amount,
        {{ low_high_mean }} as low_high_mean
    from {{ ref('balance_transfers') }}
    group by network, asset, block_height
),

asset_medians as (
    select
        network,
        asset,
        'all' as value_group,
        count() as value_count,
        {{ analytics_median('amount') }} as median_amount,
        {{ low_high_mean }} as low_high_mean
    from {{ ref('balance_transfers') }}
    group by network, asset
),

all_medians as (
    select
        network,
        asset,
        value_group,
        value_count,
        median_amount,
        low_high_mean
    from block_medians
    union all
    select
        network,
        asset,
        value_group,
        value_count,
        median_amount,
        low_high_mean
    from asset_medians
)

select
    network,
    asset,
    value_group,
    value_count,
    median_amount,
    low_high_mean
from all_medians
where median_amount != low_high_mean
