{%- set bins = analytics_amount_bin_names() -%}
{%- set measures = ['transfer_count', 'total_volume', 'total_fees', 'senders_state',
    'receivers_state', 'addresses_state', 'pairs_state', 'self_pairs_state'] -%}
{%- for bin in bins -%}
    {%- do measures.extend(['amount_' ~ bin ~ '_count', 'amount_' ~ bin ~ '_volume']) -%}
{%- endfor -%}
{%- do measures.extend(['min_amount', 'max_amount', 'min_fee',
    'max_fee', 'first_block', 'last_block', 'first_activity_at', 'last_activity_at', '_version']) -%}
{{ analytics_table_config(
    ['network', 'asset', 'bucket_start'], partition_by='toYYYYMM(bucket_start)') }}
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
-- One row per network, asset and 4-hour UTC bucket: additive figures plus exact uniqExact
-- states (distinct sets), so int_analytics__network_periods merges buckets into 4-hour, daily,
-- weekly and monthly figures instead of re-reading transfers' addresses. Incremental runs
-- recompute touched buckets.
with

{% if is_incremental() %}
    {#- the touched periods, and whether a replaced block is among the touched blocks -#}
    {%- set touched_rows = analytics_touched_rows(
        analytics_touched_periods('4h', 'bucket_start'),
        [['network', 'String'], ['period_start', "DateTime('UTC')"]], batches) %}
    {{ analytics_touched_ctes(batches, 'touched_buckets', touched_rows.sql) }}
    {{ analytics_binned_transfer_ctes(
        "(network, " ~ analytics_period_start('4h', 'block_time') ~ ") in touched_buckets"
        ~ " and block_height >= " ~ analytics_first_touched_block('touched_buckets')) }},
{% else %}
    {{ analytics_binned_transfer_ctes() }},
{% endif %}

transfers as (
    select
        network,
        asset,
        {{ analytics_period_start('4h', 'block_time') }} as bucket_start,
        block_height,
        block_time,
        -- '' (the unknown account of legacy stake events) is not an address
        nullIf(from_address, '') as sender,
        nullIf(to_address, '') as receiver,
        from_address,
        to_address,
        from_address != '' and to_address != '' as has_both_addresses,
        amount,
        fee,
        amount_bin,
        _version
    from binned_transfers
),

buckets as (
    select
        network,
        asset,
        bucket_start,
        count() as transfer_count,
        sum(amount) as total_volume,
        sum(fee) as total_fees,
        uniqExactState(sender) as senders_state,
        uniqExactState(receiver) as receivers_state,
        -- an address that both sent and received (or sent to itself) counts once
        uniqExactArrayState(arrayFilter(address -> address is not null, [sender, receiver]))
            as addresses_state,
        uniqExactIfState(from_address, to_address, has_both_addresses) as pairs_state,
        -- the addresses that sent to themselves: the pairs (A, A), so that pairs of two
        -- different addresses (network density) are address_pairs minus their count
        uniqExactIfState(from_address, has_both_addresses and from_address = to_address)
            as self_pairs_state,
        {% for bin in bins %}
            countIf(amount_bin = {{ loop.index }}) as amount_{{ bin }}_count,
            sumIf(amount, amount_bin = {{ loop.index }}) as amount_{{ bin }}_volume,
        {% endfor %}
        min(amount) as min_amount,
        max(amount) as max_amount,
        min(fee) as min_fee,
        max(fee) as max_fee,
        min(block_height) as first_block,
        max(block_height) as last_block,
        min(block_time) as first_activity_at,
        max(block_time) as last_activity_at,
        max(_version) as _version
    from transfers
    group by network, asset, bucket_start
)
{{ analytics_select_recomputed(
    'buckets', ['network', 'asset', 'bucket_start'], measures,
    '(network, bucket_start) in touched_buckets',
    touched_rows.has_replaced if is_incremental() else false) }}
