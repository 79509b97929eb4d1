{#
  Body of the per-address in/out series views (address_activity_daily, _weekly, _monthly): one
  row per network, asset, address and UTC period of `grain` ('day', 'week' from Monday,
  'month') the address was active in, rolled up from int_analytics__address_days. Distinct
  counterparties are exact for the period (counted over the days' counterparty sets).
#}
{% macro analytics_address_period(grain) %}
with

address_days as (
    select
        network,
        asset,
        address,
        {{ analytics_period_start(grain, 'activity_date', timezone=none) }} as period_start,
        transfer_count as day_transfer_count,
        sent_count as day_sent_count,
        received_count as day_received_count,
        sent_volume as day_sent_volume,
        received_volume as day_received_volume,
        received_from_system_count as day_received_from_system_count,
        received_from_system_volume as day_received_from_system_volume,
        sent_to_system_count as day_sent_to_system_count,
        sent_to_system_volume as day_sent_to_system_volume,
        fees_paid as day_fees_paid,
        sender_keys as day_sender_keys,
        receiver_keys as day_receiver_keys,
        first_activity_at as day_first_activity_at,
        last_activity_at as day_last_activity_at,
        first_block as day_first_block,
        last_block as day_last_block
    from {{ ref('int_analytics__address_days') }}
)

select
    network,
    asset,
    address,
    period_start,
    sum(day_transfer_count) as transfer_count,
    sum(day_sent_count) as sent_count,
    sum(day_received_count) as received_count,
    sum(day_sent_volume) as sent_volume,
    sum(day_received_volume) as received_volume,
    sum(day_received_from_system_count) as received_from_system_count,
    sum(day_received_from_system_volume) as received_from_system_volume,
    sum(day_sent_to_system_count) as sent_to_system_count,
    sum(day_sent_to_system_volume) as sent_to_system_volume,
    sum(day_received_volume) - sum(day_sent_volume) as net_flow,
    sum(day_fees_paid) as fees_paid,
    uniqExactArray(day_sender_keys) as unique_senders,
    uniqExactArray(day_receiver_keys) as unique_receivers,
    uniqExactArray(arrayConcat(day_sender_keys, day_receiver_keys)) as unique_counterparties,
    count() as active_days,
    min(day_first_activity_at) as first_activity_at,
    max(day_last_activity_at) as last_activity_at,
    min(day_first_block) as first_block,
    max(day_last_block) as last_block
from address_days
group by network, asset, address, period_start
{% endmacro %}
