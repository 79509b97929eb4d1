{{ config(materialized='view') }}
-- Each address's activity in the 24 hours, 7, 30 and 90 days up to the latest transfer of its
-- network and asset (as_of_at; windows are (as_of_at - span, as_of_at]). Same transfers as
-- address_analytics, those with a system counterparty also apart.
{%- set windows = [('24h', '24 hour'), ('7d', '7 day'), ('30d', '30 day'), ('90d', '90 day')] %}
with

legs as (
    select
        network,
        asset,
        address,
        direction,
        is_self_transfer,
        is_system_counterparty,
        block_time,
        amount
    from {{ ref('int_analytics__address_legs') }}
),

as_of as (
    select
        network,
        asset,
        max(block_time) as as_of_at
    from legs
    group by network, asset
),

recent_legs as (
    select
        legs.network,
        legs.asset,
        legs.address,
        legs.direction,
        legs.is_self_transfer,
        legs.is_system_counterparty,
        legs.block_time,
        legs.amount,
        as_of.as_of_at as window_end_at
    from legs
    inner join as_of on legs.network = as_of.network and legs.asset = as_of.asset
    where legs.block_time > as_of.as_of_at - interval 90 day
)

select
    network,
    asset,
    address,
    any(window_end_at) as as_of_at,
{% for window_name, span in windows %}
    countIf(
        not (direction = 'received' and is_self_transfer)
        and block_time > window_end_at - interval {{ span }}
    ) as transfer_count_{{ window_name }},
    countIf(direction = 'sent' and block_time > window_end_at - interval {{ span }})
        as sent_count_{{ window_name }},
    countIf(direction = 'received' and block_time > window_end_at - interval {{ span }})
        as received_count_{{ window_name }},
    sumIf(amount, direction = 'sent' and block_time > window_end_at - interval {{ span }})
        as sent_volume_{{ window_name }},
    sumIf(amount, direction = 'received' and block_time > window_end_at - interval {{ span }})
        as received_volume_{{ window_name }},
    sumIf(
        amount,
        direction = 'received' and is_system_counterparty
        and block_time > window_end_at - interval {{ span }}
    ) as received_from_system_volume_{{ window_name }},
    sumIf(
        amount,
        direction = 'sent' and is_system_counterparty
        and block_time > window_end_at - interval {{ span }}
    ) as sent_to_system_volume_{{ window_name }}{{ ',' if not loop.last }}
{% endfor %}
from recent_legs
group by network, asset, address
