-- analytics_median takes the low and high middle values from one quantilesExact selection at
-- levels 0.5 - 2^-40 and 0.5, which relies on the engine's position floor(level * n): on this
-- engine it must equal the mean of quantileExactLow(0.5) and quantileExactHigh(0.5), per block
-- (groups of every size the data has, odd and even) and per network and asset ('all').
{%- set low_high_mean = '(quantileExactLow(0.5)(amount) + quantileExactHigh(0.5)(amount)) / 2' %}
with

grouped_amounts as (
    select
        network,
        asset,
        amount,
        arrayJoin([toString(block_height), 'all']) as value_group
    from {{ ref('balance_transfers') }}
),

medians as (
    select
        network,
        asset,
        value_group,
        count() as value_count,
        {{ analytics_median('amount') }} as median_amount,
        {{ low_high_mean }} as low_high_mean
    from grouped_amounts
    group by network, asset, value_group
)

select
    network,
    asset,
    value_group,
    value_count,
    median_amount,
    low_high_mean
from medians
where median_amount != low_high_mean
