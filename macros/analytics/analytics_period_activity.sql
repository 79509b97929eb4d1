{#
  Body of the per-period activity tables (balance_transfers_volume_4h, network_activity_daily,
  _weekly, _monthly): one row per network, asset and UTC period of `grain` (see
  analytics_period_start), every figure exact for the period (uniqExact over the period's
  transfers, never summed across batches). Incremental runs recompute only the touched periods
  (analytics_touched_periods) from balance_transfers, see analytics_select_recomputed.
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
    -- depends_on: {{ ref('stg_chain__blocks') }}
with

{% if is_incremental() %}
    {{ analytics_touched_block_ctes() }}

touched_periods as (
    {{ analytics_touched_periods(grain, 'period_start') }}
),

{% endif %}
transfers as (
    select
        network,
        asset,
        {{ analytics_period_start(grain, 'block_time') }} as period_start,
        block_height,
        block_time,
        from_address,
        to_address,
        amount,
        fee,
        amount_bin,
        _version
    from {{ ref('int_analytics__transfers_binned') }}
    {% if is_incremental() %}
        where
            (network, {{ analytics_period_start(grain, 'block_time') }})
            in touched_periods
    {% endif %}
),

period_activity as (
    select
        network,
        asset,
        period_start,
        count() as transfer_count,
        sum(amount) as total_volume,
        sum(fee) as total_fees,
        -- '' (the unknown account of legacy stake events) is not an address
        uniqExactIf(from_address, from_address != '') as unique_senders,
        uniqExactIf(to_address, to_address != '') as unique_receivers,
        -- an address that both sent and received (or sent to itself) counts once
        uniqExactArray(arrayFilter(address -> address != '', [from_address, to_address]))
            as unique_addresses,
        uniqExactIf(from_address, to_address, from_address != '' and to_address != '')
            as address_pairs,
        -- directed pairs between two different addresses over the possible n * (n - 1)
        if(
            unique_addresses > 1,
            uniqExactIf(
                from_address, to_address,
                from_address != to_address and from_address != '' and to_address != ''
            )
            / (unique_addresses * (unique_addresses - 1)),
            0
        ) as network_density,
        {% for bin in bins %}
            countIf(amount_bin = {{ loop.index }}) as amount_{{ bin }}_count,
            sumIf(amount, amount_bin = {{ loop.index }}) as amount_{{ bin }}_volume,
        {% endfor %}
        sum(amount) / count() as avg_amount,
        {{ analytics_median('amount') }} as median_amount,
        min(amount) as min_amount,
        max(amount) as max_amount,
        sum(fee) / count() as avg_fee,
        {{ analytics_median('fee') }} as median_fee,
        min(fee) as min_fee,
        max(fee) as max_fee,
        min(block_height) as first_block,
        max(block_height) as last_block,
        min(block_time) as first_transfer_at,
        max(block_time) as last_transfer_at,
        max(_version) as _version
    from transfers
    group by network, asset, period_start
)
{{ analytics_select_recomputed(
    'period_activity', ['network', 'asset', 'period_start'], measures,
    '(network, period_start) in touched_periods') }}
{% endmacro %}

{# Config shared by the per-period activity tables. #}
{% macro analytics_period_activity_config() %}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete_insert',
        unique_key='network, asset, period_start',
        engine='MergeTree()',
        order_by='(network, asset, period_start)',
        query_settings={'join_use_nulls': 0},
        post_hook="{{ analytics_delete_emptied_rows() }}",
    ) }}
{% endmacro %}
