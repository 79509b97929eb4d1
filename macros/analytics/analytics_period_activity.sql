{#
  The period activity figures (int_analytics__network_periods and its four views:
  balance_transfers_volume_4h, network_activity_daily, _weekly, _monthly). The grains, shortest
  first: one row per grain, network, asset and UTC period of that grain (analytics_period_start).
#}
{% macro analytics_period_grains() %}
    {{ return(['4h', 'day', 'week', 'month']) }}
{% endmacro %}

{# The figures of a period, in the order of the table's and the views' columns. #}
{% macro analytics_period_measures() %}
    {%- set measures = ['transfer_count', 'total_volume', 'total_fees', 'unique_senders',
        'unique_receivers', 'unique_addresses', 'address_pairs', 'network_density'] -%}
    {%- for bin in analytics_amount_bin_names() -%}
        {%- do measures.extend(['amount_' ~ bin ~ '_count', 'amount_' ~ bin ~ '_volume']) -%}
    {%- endfor -%}
    {%- do measures.extend(['avg_amount', 'median_amount', 'min_amount', 'max_amount', 'avg_fee',
        'median_fee', 'min_fee', 'max_fee', 'first_block', 'last_block', 'first_activity_at',
        'last_activity_at', '_version']) -%}
    {{ return(measures) }}
{% endmacro %}

{#
  Body of the view of one grain: its rows of int_analytics__network_periods. period_start is
  stored as DateTime('UTC') for every grain; the day, week and month views give its Date.
#}
{% macro analytics_period_view(grain) %}
    {% set period_start = 'period_start' if grain == '4h'
        else 'toDate(period_start) as period_start' %}
{{ config(materialized='view') }}
select
    network,
    asset,
    {{ period_start }},
    {{ analytics_period_measures() | join(',\n    ') }}
from {{ ref('int_analytics__network_periods') }}
where grain = '{{ grain }}'
{% endmacro %}
