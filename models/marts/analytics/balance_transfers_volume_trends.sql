{{ config(materialized='view') }}
-- Daily volume with rolling 7- and 30-day averages per network and asset. Every UTC day from
-- the asset's first to its last active day is present (days without transfers count as 0), so
-- a window of N rows is N calendar days; the first days of a series average what exists.
with

daily_volume as (
    select
        network,
        asset,
        period_start as activity_date,
        transfer_count,
        total_volume
    from {{ ref('network_activity_daily') }}
),

asset_days as (
    select
        network,
        asset,
        arrayJoin(
            arrayMap(
                day_offset -> addDays(min(activity_date), day_offset),
                range(toUInt32(dateDiff('day', min(activity_date), max(activity_date)) + 1))
            )
        ) as activity_date
    from daily_volume
    group by network, asset
),

calendar_volume as (
    select
        asset_days.network,
        asset_days.asset,
        asset_days.activity_date,
        daily_volume.transfer_count,
        daily_volume.total_volume
    from asset_days
    left join daily_volume
        on
            asset_days.network = daily_volume.network
            and asset_days.asset = daily_volume.asset
            and asset_days.activity_date = daily_volume.activity_date
    settings join_use_nulls = 0
)

select
    network,
    asset,
    activity_date as period_start,
    transfer_count,
    total_volume,
    count() over last_7_days as days_in_7d_window,
    sum(total_volume) over last_7_days / count() over last_7_days as avg_volume_7d,
    sum(transfer_count) over last_7_days / count() over last_7_days as avg_transfer_count_7d,
    count() over last_30_days as days_in_30d_window,
    sum(total_volume) over last_30_days / count() over last_30_days as avg_volume_30d,
    sum(transfer_count) over last_30_days / count() over last_30_days as avg_transfer_count_30d
from calendar_volume
window
    last_7_days as (
        partition by network, asset order by activity_date rows between 6 preceding and current row
    ),
    last_30_days as (
        partition by network, asset order by activity_date rows between 29 preceding and current row
    )
