{%- set grains = analytics_period_grains() -%}
{%- set bins = analytics_amount_bin_names() -%}
{%- set measures = analytics_period_measures() -%}
{%- set figure_sources = {} -%}
{%- for column in measures -%}
    {%- do figure_sources.update({column: 'period_medians' if column.startswith('median_')
        else 'period_activity'}) -%}
{%- endfor -%}
{{ analytics_table_config(['grain', 'network', 'asset', 'period_start']) }}
{%- set batches = incremental_batches(upstream=ref('int_analytics__network_buckets')) %}
{{ incremental_header([batches] if batches is not none else none) }}
-- One row per grain ('4h', 'day', 'week', 'month'), network, asset and UTC period: every figure
-- exact for the period (uniqExact over the period's transfers, never summed across batches),
-- merged from the 4-hour buckets of int_analytics__network_buckets; medians from the period's
-- amounts and fees. One table for the four grains, so an incremental run recomputes the touched
-- periods of every grain in one statement. Read through the views balance_transfers_volume_4h
-- and network_activity_daily, _weekly and _monthly.
with

{% if is_incremental() %}
    {#- the touched periods, and whether a replaced block is among the touched blocks -#}
    {%- set touched_rows = analytics_touched_rows(
        analytics_touched_periods(grains, 'period_start'),
        [['grain', 'String'], ['network', 'String'], ['period_start', "DateTime('UTC')"]],
        batches) %}
    {{ analytics_touched_ctes(batches, 'touched_periods', touched_rows.sql) }}

{% endif %}
buckets as (
    select
        {{ analytics_grains_array_join(grains) }} as grain,
        network,
        asset,
        {{ analytics_period_start_by_grain('grain', 'bucket_start') }} as period_start,
        transfer_count as bucket_transfer_count,
        total_volume as bucket_volume,
        total_fees as bucket_fees,
        senders_state,
        receivers_state,
        addresses_state,
        pairs_state,
        self_pairs_state,
        {% for bin in bins %}
            amount_{{ bin }}_count as bucket_{{ bin }}_count,
            amount_{{ bin }}_volume as bucket_{{ bin }}_volume,
        {% endfor %}
        min_amount as bucket_min_amount,
        max_amount as bucket_max_amount,
        min_fee as bucket_min_fee,
        max_fee as bucket_max_fee,
        first_block as bucket_first_block,
        last_block as bucket_last_block,
        first_activity_at as bucket_first_activity_at,
        last_activity_at as bucket_last_activity_at,
        _version as bucket_version
    from {{ ref('int_analytics__network_buckets') }}
    {% if is_incremental() %}
        where
            bucket_start >= (select min(touched_periods.period_start) from touched_periods)
            and (grain, network, period_start) in touched_periods
    {% endif %}
),

period_activity as (
    select
        grain,
        network,
        asset,
        period_start,
        sum(bucket_transfer_count) as transfer_count,
        sum(bucket_volume) as total_volume,
        sum(bucket_fees) as total_fees,
        uniqExactMerge(senders_state) as unique_senders,
        uniqExactMerge(receivers_state) as unique_receivers,
        uniqExactArrayMerge(addresses_state) as unique_addresses,
        uniqExactIfMerge(pairs_state) as address_pairs,
        -- directed pairs between two different addresses (every pair but the (A, A) of an
        -- address that sent to itself) over the possible n * (n - 1)
        if(
            unique_addresses > 1,
            (address_pairs - uniqExactIfMerge(self_pairs_state))
            / (unique_addresses * (unique_addresses - 1)),
            0
        ) as network_density,
        {% for bin in bins %}
            sum(bucket_{{ bin }}_count) as amount_{{ bin }}_count,
            sum(bucket_{{ bin }}_volume) as amount_{{ bin }}_volume,
        {% endfor %}
        sum(bucket_volume) / sum(bucket_transfer_count) as avg_amount,
        min(bucket_min_amount) as min_amount,
        max(bucket_max_amount) as max_amount,
        sum(bucket_fees) / sum(bucket_transfer_count) as avg_fee,
        min(bucket_min_fee) as min_fee,
        max(bucket_max_fee) as max_fee,
        min(bucket_first_block) as first_block,
        max(bucket_last_block) as last_block,
        min(bucket_first_activity_at) as first_activity_at,
        max(bucket_last_activity_at) as last_activity_at,
        max(bucket_version) as _version
    from buckets
    group by grain, network, asset, period_start
),

-- medians need every value of the period: read from balance_transfers (numeric columns only),
-- one reading per grain, each from the first block of its earliest touched period. Untouched
-- periods in that range drop out at the join with period_activity (a filter on the period here
-- would be pushed down and computed for every transfer)
period_medians as (
    {% for grain in grains %}
        select
            '{{ grain }}' as median_grain,
            network as median_network,
            asset as median_asset,
            {{ analytics_period_start_time(grain, 'block_time') }} as median_period_start,
            {{ analytics_median('amount') }} as median_amount,
            {{ analytics_median('fee') }} as median_fee
        from {{ ref('balance_transfers') }}
        {% if is_incremental() %}
            where block_height >= {{ analytics_first_touched_block(
                "(select period_start from touched_periods where grain = '" ~ grain ~ "')") }}
        {% endif %}
        group by median_grain, median_network, median_asset, median_period_start
        {{ 'union all' if not loop.last }}
    {% endfor %}
),

period_figures as (
    select
        period_activity.grain,
        period_activity.network,
        period_activity.asset,
        period_activity.period_start,
    {% for column in measures %}
        {{ figure_sources[column] }}.{{ column }}{{ ',' if not loop.last }}
    {% endfor %}
    from period_activity
    inner join period_medians
        on
            period_activity.grain = period_medians.median_grain
            and period_activity.network = period_medians.median_network
            and period_activity.asset = period_medians.median_asset
            and period_activity.period_start = period_medians.median_period_start
)
{{ analytics_select_recomputed(
    'period_figures', ['grain', 'network', 'asset', 'period_start'], measures,
    '(grain, network, period_start) in touched_periods',
    touched_rows.has_replaced if is_incremental() else false) }}
