-- Each transfer seen from both ends (see analytics_address_leg_ctes, which incremental models
-- call with a filter on the days they recompute).
with

{{ analytics_address_leg_ctes() }}


select
    network,
    asset,
    address,
    direction,
    counterparty,
    is_system_counterparty,
    is_self_transfer,
    activity_date,
    block_height,
    block_time,
    amount,
    fee,
    amount_bin,
    _version
from address_legs
