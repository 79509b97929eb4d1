{%- set keys = ['network', 'netuid', 'flow_date'] -%}
{%- set measures = ['stake_added_count', 'stake_removed_count', 'movement_leg_count',
    'side_count', 'tao_in', 'tao_out', 'net_tao_flow', 'alpha_in', 'alpha_out', 'stake_fees',
    'unstake_fees', 'unique_coldkeys', 'unique_hotkeys', 'first_block', 'last_block',
    '_version'] -%}
{{ analytics_table_config(
    keys, partition_by='toYYYYMM(flow_date)', count_column='side_count') }}
{%- set batches = incremental_batches(upstream=ref('stake_movement_legs')) %}
{{ incremental_header([batches] if batches is not none else none) }}
-- One row per Bittensor subnet and UTC day with stake activity: TAO and alpha into and out of
-- the subnet's pool (direct stakes and unstakes, and the legs of movements between subnets;
-- a movement within the subnet moves no TAO), stake fees, distinct coldkeys and hotkeys.
-- Incremental runs recompute whole touched days. Reads stake_movement_legs, so it runs up to
-- the block versions that (and balance_transfers before it) has processed.
{%- set touched = staking_touched_days(batches, 'flow_date') if is_incremental() else none %}
with
{% if is_incremental() %}
    {{ touched.ctes }}
{% endif %}
{{ stake_side_ctes(touched.filter if touched else 'true') }},

subnet_days as (
    select
        network,
        netuid,
        activity_date as flow_date,
        countIf(side_type = 'stake_added' and movement_type = '') as stake_added_count,
        countIf(side_type = 'stake_removed' and movement_type = '') as stake_removed_count,
        countIf(movement_type != '') as movement_leg_count,
        count() as side_count,
        sumIf(tao_amount, side_type = 'stake_added' and is_pool_flow) as tao_in,
        sumIf(tao_amount, side_type = 'stake_removed' and is_pool_flow) as tao_out,
        tao_in - tao_out as net_tao_flow,
        sumIf(alpha_amount, side_type = 'stake_added' and is_pool_flow) as alpha_in,
        sumIf(alpha_amount, side_type = 'stake_removed' and is_pool_flow) as alpha_out,
        sumIf(stake_fee, side_type = 'stake_added') as stake_fees,
        sumIf(stake_fee, side_type = 'stake_removed') as unstake_fees,
        uniqExact(coldkey) as unique_coldkeys,
        uniqExact(hotkey) as unique_hotkeys,
        min(block_height) as first_block,
        max(block_height) as last_block,
        max(_version) as _version
    from stake_sides
    group by network, netuid, flow_date
)
{{ analytics_select_recomputed(
    'subnet_days', keys, measures, '(network, flow_date) in touched_days',
    touched.has_replaced if touched else false) }}
