{#
  Shared SQL of the staking marts (models/marts/staking/): the stake sides they aggregate and
  the UTC days an incremental run recomputes.
#}

{#
  CTE stake_sides: every change of a Bittensor stake position since dTAO, one row per side: a
  StakeAdded or StakeRemoved of balance_transfers (netuid and alpha set) and each leg of a
  stake movement (stake_movement_legs). is_pool_flow: TAO crossed the subnet's pool (a direct
  stake or unstake, or a leg of a movement that changes subnet); a movement within a subnet
  only changes who holds the alpha. `row_filter`: SQL on block_height and block_time, applied
  to both reads. Old-runtime stake events (no subnet, no coldkey) are not positions.
#}
{% macro stake_side_ctes(row_filter='true') %}
stake_sides as (
    select
        network,
        assumeNotNull(netuid) as netuid,
        block_height,
        toDate(block_time, 'UTC') as activity_date,
        transfer_type as side_type,
        '' as movement_type,
        true as is_pool_flow,
        {{ stake_leg_coldkey('transfer_type') }} as coldkey,
        {{ stake_leg_hotkey('transfer_type') }} as hotkey,
        amount as tao_amount,
        assumeNotNull(alpha_amount) as alpha_amount,
        coalesce(stake_fee, toDecimal128(0, 18)) as stake_fee,
        _version
    from {{ ref('balance_transfers') }} as transfers
    where
        transfers.transfer_type in ('stake_added', 'stake_removed')
        -- qualified: the assumeNotNull alias above would shadow the column
        and transfers.alpha_amount is not null
        and {{ row_filter }}

    union all

    select
        network,
        netuid,
        block_height,
        toDate(block_time, 'UTC') as activity_date,
        leg_type as side_type,
        movement_type,
        is_cross_subnet_movement as is_pool_flow,
        coldkey,
        hotkey,
        tao_amount,
        alpha_amount,
        coalesce(stake_fee, toDecimal128(0, 18)) as stake_fee,
        _version
    from {{ ref('stake_movement_legs') }}
    where {{ row_filter }}
)
{% endmacro %}

{#
  The UTC days an incremental run of a daily staking mart recomputes (`period_column`: the
  mart's Date column; the mart has first_block and last_block), as in the analytics marts
  (macros/analytics/analytics_incremental.sql): the days of the batch's blocks, and the stored
  days whose block range holds a re-loaded block. Returns {ctes: analytics_touched_ctes with
  touched_days, to put first in a WITH; filter: SQL on block_height and block_time keeping the
  touched days' rows; has_replaced}. Only for is_incremental().
#}
{% macro staking_touched_days(batches, period_column) %}
    {%- set touched_rows = analytics_touched_rows(
        analytics_touched_periods('day', period_column),
        [['network', 'String'], ['period_start', 'Date']], batches) -%}
    {{ return({
        'ctes': analytics_touched_ctes(batches, 'touched_days', touched_rows.sql),
        'filter': "(network, toDate(block_time, 'UTC')) in touched_days and block_height >= "
            ~ analytics_first_touched_block('touched_days'),
        'has_replaced': touched_rows.has_replaced,
    }) }}
{% endmacro %}
