{#
  Body of the per-period activity tables (balance_transfers_volume_4h, network_activity_daily,
  _weekly, _monthly): one row per network, asset and UTC period of `grain` (see
  analytics_period_start), every figure exact for the period (uniqExact over the period's
  transfers, never summed across batches), merged from the 4-hour buckets of
  int_analytics__network_buckets (exact states: distinct sets, median values). Incremental runs
  recompute only the touched periods (analytics_touched_periods), see analytics_select_recomputed.
#}
{% macro analytics_period_activity(grain) %}
    {%- set bins = analytics_amount_bin_names() -%}
{%- set measures = ['transfer_count', 'total_volume', 'total_fees', 'unique_senders',
    'unique_receivers', 'unique_addresses', 'address_pairs', 'network_density'] -%}
    {%- for bin in bins -%}
        {%- do measures.extend(['amount_' ~ bin ~ '_count', 'amount_' ~ bin ~ '_volume']) -%}
    {%- endfor -%}
{%- do measures.extend(['avg_amount', 'median_amount', 'min_amount', 'max_amount', 'avg_fee',
    'median_fee', 'min_fee', 'max_fee', 'first_block', 'last_block', 'first_transfer_at',
    'last_transfer_at', '_version']) -%}
    {%- set figure_sources = {} -%}
    {%- for column in measures -%}
    {%- do figure_sources.update({column: 'period_medians' if column.startswith('median_')
        else 'period_activity'}) -%}
    {%- endfor -%}
    -- depends_on: {{ source('chain', 'blocks') }}
with

{% if is_incremental() %}
    {{ analytics_touched_block_ctes() }}

touched_periods as (
    {{ analytics_touched_periods(grain, 'period_start') }}
),

{% endif %}
buckets as (
    select
        network,
        asset,
        {{ analytics_period_start(grain, 'bucket_start') }} as period_start,
        transfer_count as bucket_transfer_count,
        total_volume as bucket_volume,
        total_fees as bucket_fees,
        senders_state,
        receivers_state,
        addresses_state,
        pairs_state,
        distinct_pairs_state,
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
        first_transfer_at as bucket_first_transfer_at,
        last_transfer_at as bucket_last_transfer_at,
        _version as bucket_version
    from {{ ref('int_analytics__network_buckets') }}
    {% if is_incremental() %}
        where (network, {{ analytics_period_start(grain, 'bucket_start') }}) in touched_periods
    {% endif %}
),

period_activity as (
    select
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
        -- directed pairs between two different addresses over the possible n * (n - 1)
        if(
            unique_addresses > 1,
            uniqExactIfMerge(distinct_pairs_state) / (unique_addresses * (unique_addresses - 1)),
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
        min(bucket_first_transfer_at) as first_transfer_at,
        max(bucket_last_transfer_at) as last_transfer_at,
        max(bucket_version) as _version
    from buckets
    group by network, asset, period_start
),

-- medians need every value of the period: read from balance_transfers (numeric columns only)
period_medians as (
    select
        network as median_network,
        asset as median_asset,
        {{ analytics_period_start(grain, 'block_time') }} as median_period_start,
        {{ analytics_median('amount') }} as median_amount,
        {{ analytics_median('fee') }} as median_fee
    from {{ ref('balance_transfers') }}
    {% if is_incremental() %}
        where
            (network, {{ analytics_period_start(grain, 'block_time') }}) in touched_periods
            and block_height >= {{ analytics_first_touched_block(grain, 'touched_periods') }}
    {% endif %}
    group by median_network, median_asset, median_period_start
),

period_figures as (
    select
        period_activity.network,
        period_activity.asset,
        period_activity.period_start,
        {% for column in measures %}
        {{ figure_sources[column] }}.{{ column }}{{ ',' if not loop.last }}
    {% endfor %}
    from period_activity
    inner join period_medians
        on
            period_activity.network = period_medians.median_network
            and period_activity.asset = period_medians.median_asset
            and period_activity.period_start = period_medians.median_period_start
)
{{ analytics_select_recomputed(
    'period_figures', ['network', 'asset', 'period_start'], measures,
    '(network, period_start) in touched_periods') }}
{% endmacro %}
