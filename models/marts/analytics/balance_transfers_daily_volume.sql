{{ config(materialized='view') }}
-- The design's balance_transfers_daily_volume_mv, exact: volume per network, asset and UTC day,
-- read from network_activity_daily (recomputed per touched day, never summed across batches).
select
    network,
    asset,
    period_start,
    transfer_count,
    total_volume,
    total_fees,
    unique_senders,
    unique_receivers,
    unique_addresses,
    avg_amount,
    min_amount,
    max_amount,
    first_block,
    last_block
from {{ ref('network_activity_daily') }}
