{%- set bins = analytics_amount_bin_names() -%}
{%- set measures = ['transfer_count', 'sent_count', 'received_count',
    'self_transfer_count', 'sent_volume', 'received_volume', 'received_from_system_count',
    'received_from_system_volume', 'sent_to_system_count', 'sent_to_system_volume', 'fees_paid',
    'sent_amount_square_sum', 'received_amount_square_sum', 'min_sent_amount', 'max_sent_amount',
    'min_received_amount', 'max_received_amount', 'night_transfer_count',
    'morning_transfer_count', 'afternoon_transfer_count', 'evening_transfer_count'] -%}
{%- for bin in bins -%}
    {%- do measures.append('sent_' ~ bin ~ '_count') -%}
{%- endfor -%}
{%- do measures.extend(['sender_keys', 'receiver_keys', 'first_activity_at', 'last_activity_at',
    'first_sent_at', 'last_sent_at', 'first_received_at', 'last_received_at', 'first_block',
    'last_block', '_version']) -%}
{{ analytics_table_config(
    ['network', 'asset', 'address', 'activity_date'], partition_by='toYYYYMM(activity_date)') }}
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
-- One row per address, asset and UTC day it was active: the additive building block of the
-- address marts. Incremental runs recompute whole touched days (every address of the day).
with

{% if is_incremental() %}
    {#- the touched periods, and whether a replaced block is among the touched blocks -#}
    {%- set touched_rows = analytics_touched_rows(
        analytics_touched_periods('day', 'activity_date'),
        [['network', 'String'], ['period_start', 'Date']], batches) %}
    {{ analytics_touched_ctes(batches, 'touched_days', touched_rows.sql) }}
    {{ analytics_address_leg_ctes(
        "(network, toDate(block_time, 'UTC')) in touched_days and block_height >= "
        ~ analytics_first_touched_block('touched_days')) }},
{% else %}
    {{ analytics_address_leg_ctes() }},
{% endif %}

legs as (
    select
        network,
        asset,
        address,
        activity_date,
        direction,
        {{ analytics_address_key('counterparty') }} as counterparty_key,
        is_system_counterparty,
        is_self_transfer,
        -- the received leg of a self-transfer repeats its sent leg: count the transfer once
        not(direction = 'received' and is_self_transfer) as is_first_leg,
        -- oneself and the unknown account ('') are nobody's counterparty
        not is_self_transfer and counterparty != '' as is_counted_counterparty,
        toHour(block_time, 'UTC') as hour_utc,
        block_height,
        block_time,
        amount,
        fee,
        amount_bin,
        _version
    from address_legs
),

address_days as (
    select
        network,
        asset,
        address,
        activity_date,
        countIf(is_first_leg) as transfer_count,
        countIf(direction = 'sent') as sent_count,
        countIf(direction = 'received') as received_count,
        countIf(direction = 'sent' and is_self_transfer) as self_transfer_count,
        sumIf(amount, direction = 'sent') as sent_volume,
        sumIf(amount, direction = 'received') as received_volume,
        countIf(direction = 'received' and is_system_counterparty) as received_from_system_count,
        sumIf(amount, direction = 'received' and is_system_counterparty)
            as received_from_system_volume,
        countIf(direction = 'sent' and is_system_counterparty) as sent_to_system_count,
        sumIf(amount, direction = 'sent' and is_system_counterparty) as sent_to_system_volume,
        sumIf(fee, direction = 'sent') as fees_paid,
        {{ analytics_square_sum('amount', "direction = 'sent'") }} as sent_amount_square_sum,
        {{ analytics_square_sum('amount', "direction = 'received'") }}
            as received_amount_square_sum,
        minIfOrNull(amount, direction = 'sent') as min_sent_amount,
        maxIfOrNull(amount, direction = 'sent') as max_sent_amount,
        minIfOrNull(amount, direction = 'received') as min_received_amount,
        maxIfOrNull(amount, direction = 'received') as max_received_amount,
        countIf(is_first_leg and hour_utc < 6) as night_transfer_count,
        countIf(is_first_leg and hour_utc >= 6 and hour_utc < 12) as morning_transfer_count,
        countIf(is_first_leg and hour_utc >= 12 and hour_utc < 18) as afternoon_transfer_count,
        countIf(is_first_leg and hour_utc >= 18) as evening_transfer_count,
        {% for bin in bins %}
            countIf(direction = 'sent' and amount_bin = {{ loop.index }}) as sent_{{ bin }}_count,
        {% endfor %}
        arraySort(groupUniqArrayIf(
            counterparty_key, direction = 'received' and is_counted_counterparty
        )) as sender_keys,
        arraySort(groupUniqArrayIf(
            counterparty_key, direction = 'sent' and is_counted_counterparty
        )) as receiver_keys,
        min(block_time) as first_activity_at,
        max(block_time) as last_activity_at,
        minIfOrNull(block_time, direction = 'sent') as first_sent_at,
        maxIfOrNull(block_time, direction = 'sent') as last_sent_at,
        minIfOrNull(block_time, direction = 'received') as first_received_at,
        maxIfOrNull(block_time, direction = 'received') as last_received_at,
        min(block_height) as first_block,
        max(block_height) as last_block,
        max(_version) as _version
    from legs
    group by network, asset, address, activity_date
)
{{ analytics_select_recomputed(
    'address_days', ['network', 'asset', 'address', 'activity_date'], measures,
    '(network, activity_date) in touched_days',
    touched_rows.has_replaced if is_incremental() else false) }}
