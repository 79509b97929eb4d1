{%- set keys = ['network', 'permission_id', 'recipient', 'distribution_date'] -%}
{%- set measures = ['distribution_count', 'amount', 'amount_raw', 'first_distribution_at',
    'last_distribution_at', 'first_block', 'last_block', '_version'] -%}
{{ analytics_table_config(
    keys, partition_by='toYYYYMM(distribution_date)', count_column='distribution_count') }}
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
-- One row per Torus emission stream (Permission0 stream permission), recipient and UTC day it
-- paid that recipient: the StreamDistribution rows of balance_transfers (from_address
-- "permission-{permission_id}"). Incremental runs recompute whole touched days.
{%- set touched = staking_touched_days(batches, 'distribution_date')
    if is_incremental() else none %}
with
{% if is_incremental() %}
    {{ touched.ctes }}
{% endif %}
distributions as (
    select
        network,
        substring(from_address, length('permission-') + 1) as permission_id,
        to_address as recipient,
        toDate(block_time, 'UTC') as distribution_date,
        count() as distribution_count,
        sum(amount) as amount,
        sum(amount_raw) as amount_raw,
        min(block_time) as first_distribution_at,
        max(block_time) as last_distribution_at,
        min(block_height) as first_block,
        max(block_height) as last_block,
        max(_version) as _version
    from {{ ref('balance_transfers') }}
    where
        transfer_type = 'stream_distribution'
        and {{ touched.filter if touched else 'true' }}
    group by network, permission_id, recipient, distribution_date
)
{{ analytics_select_recomputed(
    'distributions', keys, measures, '(network, distribution_date) in touched_days',
    touched.has_replaced if touched else false) }}
