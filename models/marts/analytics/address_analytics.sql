{%- set bins = analytics_amount_bin_names() -%}
{%- set measures = ['transfer_count', 'sent_count', 'received_count',
    'self_transfer_count', 'sent_volume', 'received_volume', 'received_from_system_count',
    'received_from_system_volume', 'sent_to_system_count', 'sent_to_system_volume', 'net_flow',
    'fees_paid',
    'unique_senders', 'unique_receivers', 'unique_counterparties', 'first_activity_at',
    'last_activity_at', 'first_sent_at', 'last_sent_at', 'first_received_at',
    'last_received_at', 'active_days', 'night_transfer_count', 'morning_transfer_count',
    'afternoon_transfer_count', 'evening_transfer_count'] -%}
{%- for bin in bins -%}
    {%- do measures.append('sent_' ~ bin ~ '_count') -%}
{%- endfor -%}
{%- do measures.extend(['avg_sent_amount', 'min_sent_amount', 'max_sent_amount',
    'sent_amount_variance', 'avg_received_amount', 'min_received_amount', 'max_received_amount',
    'received_amount_variance', 'address_type', 'first_block', 'last_block', '_version']) -%}
{#- Each rule's threshold for the row's asset, '_default' for an asset the seed does not list
    (joined in address_profiles, not per present asset: that would aggregate address_totals
    a second time, since a CTE is evaluated at each reference). -#}
{%- set threshold = {} -%}
{%- for rule in ['exchange_min_counterparties', 'exchange_min_transfers', 'whale_min_volume',
    'hub_min_counterparties', 'active_min_transfers'] -%}
    {%- do threshold.update({rule: "if(asset_thresholds.threshold_asset = '', default_thresholds."
        ~ rule ~ ', asset_thresholds.' ~ rule ~ ')'}) -%}
{%- endfor -%}
{{ analytics_table_config(['network', 'asset', 'address']) }}
{%- set batches = incremental_batches(upstream=ref('int_analytics__address_days')) %}
{{ incremental_header([batches] if batches is not none else none) }}
with

{% if is_incremental() %}
    {{ analytics_touched_block_ctes(batches) }}

    -- read through `in touched_addresses`, which sqlfluff's ST03 does not follow
    touched_addresses as (  -- noqa: ST03
    -- addresses with a day rebuilt from newer transfers
        select distinct
            network,
            asset,
            address
        from {{ ref('int_analytics__address_days') }}
        where _version > {{ batch_marks(batches) }}
        union distinct
        -- addresses that had transfers in a block that was replaced since
        select distinct
            summarised.network,
            summarised.asset,
            summarised.address
        from {{ this }} as summarised
        inner join replaced_blocks on summarised.network = replaced_blocks.network
        where replaced_blocks.block_height between summarised.first_block and summarised.last_block
    ),

{% endif %}
address_days as (
    select
        network,
        asset,
        address,
        activity_date,
        transfer_count,
        sent_count,
        received_count,
        self_transfer_count,
        sent_volume,
        received_volume,
        received_from_system_count,
        received_from_system_volume,
        sent_to_system_count,
        sent_to_system_volume,
        fees_paid,
        sent_amount_square_sum,
        received_amount_square_sum,
        min_sent_amount,
        max_sent_amount,
        min_received_amount,
        max_received_amount,
        night_transfer_count,
        morning_transfer_count,
        afternoon_transfer_count,
        evening_transfer_count,
        {% for bin in bins %}
            sent_{{ bin }}_count,
        {% endfor %}
        sender_keys,
        receiver_keys,
        first_activity_at,
        last_activity_at,
        first_sent_at,
        last_sent_at,
        first_received_at,
        last_received_at,
        first_block,
        last_block,
        _version
    from {{ ref('int_analytics__address_days') }}
    {% if is_incremental() %}
        where (network, asset, address) in touched_addresses
    {% endif %}
),

address_totals as (
    select
        network,
        asset,
        address,
        sum(transfer_count) as transfer_count,
        sum(sent_count) as sent_count,
        sum(received_count) as received_count,
        sum(self_transfer_count) as self_transfer_count,
        sum(sent_volume) as sent_volume,
        sum(received_volume) as received_volume,
        sum(received_from_system_count) as received_from_system_count,
        sum(received_from_system_volume) as received_from_system_volume,
        sum(sent_to_system_count) as sent_to_system_count,
        sum(sent_to_system_volume) as sent_to_system_volume,
        sum(fees_paid) as fees_paid,
        sum(sent_amount_square_sum) as sent_amount_square_sum,
        sum(received_amount_square_sum) as received_amount_square_sum,
        -- each set once: the union of two distinct sets is cheaper than hashing every day again
        groupUniqArrayArray(sender_keys) as all_sender_keys,
        groupUniqArrayArray(receiver_keys) as all_receiver_keys,
        length(all_sender_keys) as unique_senders,
        length(all_receiver_keys) as unique_receivers,
        length(arrayDistinct(arrayConcat(all_sender_keys, all_receiver_keys)))
            as unique_counterparties,
        min(first_activity_at) as first_activity_at,
        max(last_activity_at) as last_activity_at,
        min(first_sent_at) as first_sent_at,
        max(last_sent_at) as last_sent_at,
        min(first_received_at) as first_received_at,
        max(last_received_at) as last_received_at,
        count() as active_days,
        sum(night_transfer_count) as night_transfer_count,
        sum(morning_transfer_count) as morning_transfer_count,
        sum(afternoon_transfer_count) as afternoon_transfer_count,
        sum(evening_transfer_count) as evening_transfer_count,
        {% for bin in bins %}
            sum(sent_{{ bin }}_count) as sent_{{ bin }}_count,
        {% endfor %}
        min(min_sent_amount) as min_sent_amount,
        max(max_sent_amount) as max_sent_amount,
        min(min_received_amount) as min_received_amount,
        max(max_received_amount) as max_received_amount,
        min(first_block) as first_block,
        max(last_block) as last_block,
        max(_version) as _version
    from address_days
    group by network, asset, address
),

thresholds as (
    select
        asset as threshold_asset,
        exchange_min_counterparties,
        exchange_min_transfers,
        whale_min_volume,
        hub_min_counterparties,
        active_min_transfers
    from {{ ref('int_analytics__address_type_thresholds') }}
),

default_thresholds as (
    select
        exchange_min_counterparties,
        exchange_min_transfers,
        whale_min_volume,
        hub_min_counterparties,
        active_min_transfers
    from thresholds
    where threshold_asset = '_default'
),

address_profiles as (
    select
        address_totals.network,
        address_totals.asset,
        address_totals.address,
        address_totals.transfer_count,
        address_totals.sent_count,
        address_totals.received_count,
        address_totals.self_transfer_count,
        address_totals.sent_volume,
        address_totals.received_volume,
        address_totals.received_from_system_count,
        address_totals.received_from_system_volume,
        address_totals.sent_to_system_count,
        address_totals.sent_to_system_volume,
        address_totals.received_volume - address_totals.sent_volume as net_flow,
        address_totals.fees_paid,
        address_totals.unique_senders,
        address_totals.unique_receivers,
        address_totals.unique_counterparties,
        address_totals.first_activity_at,
        address_totals.last_activity_at,
        address_totals.first_sent_at,
        address_totals.last_sent_at,
        address_totals.first_received_at,
        address_totals.last_received_at,
        address_totals.active_days,
        address_totals.night_transfer_count,
        address_totals.morning_transfer_count,
        address_totals.afternoon_transfer_count,
        address_totals.evening_transfer_count,
        {% for bin in bins %}
            address_totals.sent_{{ bin }}_count,
        {% endfor %}
        address_totals.sent_volume / nullIf(address_totals.sent_count, 0) as avg_sent_amount,
        address_totals.min_sent_amount,
        address_totals.max_sent_amount,
        {{ analytics_variance('address_totals.sent_count', 'address_totals.sent_volume',
            'address_totals.sent_amount_square_sum') }} as sent_amount_variance,
        address_totals.received_volume / nullIf(address_totals.received_count, 0)
            as avg_received_amount,
        address_totals.min_received_amount,
        address_totals.max_received_amount,
        {{ analytics_variance('address_totals.received_count', 'address_totals.received_volume',
            'address_totals.received_amount_square_sum') }} as received_amount_variance,
        -- first matching rule wins
        multiIf(
            address_totals.unique_senders >= {{ threshold.exchange_min_counterparties }}
            and address_totals.unique_receivers >= {{ threshold.exchange_min_counterparties }}
            and address_totals.transfer_count >= {{ threshold.exchange_min_transfers }},
            'exchange',
            greatest(address_totals.sent_volume, address_totals.received_volume)
            >= {{ threshold.whale_min_volume }}, 'whale',
            address_totals.unique_counterparties >= {{ threshold.hub_min_counterparties }}, 'hub',
            address_totals.transfer_count >= {{ threshold.active_min_transfers }}, 'active',
            'retail'
        ) as address_type,
        address_totals.first_block,
        address_totals.last_block,
        address_totals._version
    -- join_use_nulls = 0: an asset without thresholds of its own gets threshold_asset ''
    from address_totals
    left join thresholds as asset_thresholds
        on address_totals.asset = asset_thresholds.threshold_asset
    cross join default_thresholds
)
{{ analytics_select_recomputed(
    'address_profiles', ['network', 'asset', 'address'], measures,
    '(network, asset, address) in touched_addresses',
    analytics_has_replaced_blocks(batches)) }}
