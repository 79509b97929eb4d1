{%- set keys = ['network', 'coldkey', 'netuid', 'position_date'] -%}
{%- set measures = ['side_count', 'alpha_added', 'alpha_removed', 'net_alpha_change',
    'alpha_position', 'tao_staked', 'tao_unstaked', 'hotkey_count', 'first_block', 'last_block',
    '_version'] -%}
{%- set day_change_columns = keys + ['side_count', 'alpha_added', 'alpha_removed',
    'net_alpha_change', 'tao_staked', 'tao_unstaked', 'hotkey_count', 'first_block',
    'last_block', '_version'] -%}
{{ analytics_table_config(
    keys, partition_by='toYYYYMM(position_date)', count_column='side_count') }}
{%- set batches = incremental_batches(upstream=ref('stake_movement_legs')) %}
{{ incremental_header([batches] if batches is not none else none) }}
-- One row per Bittensor coldkey, subnet and UTC day its stake there changed: the alpha added
-- and removed that day (direct stakes and unstakes, and each side of a stake movement: a
-- stake transfer moves alpha from one coldkey to another) and alpha_position, the running sum
-- of those changes to the end of the day. Incremental runs recompute every day from the first
-- touched day of the network on (a later position depends on every earlier change), starting
-- from the positions stored before it.
{%- set touched = staking_touched_days(batches, 'position_date') if is_incremental() else none %}
with
{% if is_incremental() %}
    {{ touched.ctes }}

    first_touched_days as (
        select
            network,
            min(period_start) as first_day
        from touched_days
        group by network
    ),

    -- each key's position at the end of its last stored day before the recomputed ones
    stored_positions as (
        select
            positions.network as network,
            positions.coldkey as coldkey,
            positions.netuid as netuid,
            argMax(positions.alpha_position, positions.position_date) as base_position
        from {{ this }} as positions
        inner join first_touched_days on positions.network = first_touched_days.network
        where positions.position_date < first_touched_days.first_day
        group by positions.network, positions.coldkey, positions.netuid
    ),

{% endif %}
{{ stake_side_ctes(
    'block_height >= ' ~ analytics_first_touched_block('touched_days') if touched else 'true') }},

day_changes as (
    select
        network,
        coldkey,
        netuid,
        activity_date as position_date,
        count() as side_count,
        sumIf(alpha_amount, side_type = 'stake_added') as alpha_added,
        sumIf(alpha_amount, side_type = 'stake_removed') as alpha_removed,
        alpha_added - alpha_removed as net_alpha_change,
        sumIf(tao_amount, side_type = 'stake_added') as tao_staked,
        sumIf(tao_amount, side_type = 'stake_removed') as tao_unstaked,
        uniqExact(hotkey) as hotkey_count,
        min(block_height) as first_block,
        max(block_height) as last_block,
        max(_version) as _version
    from stake_sides
    group by network, coldkey, netuid, position_date
),

-- the days to (re)write, each with its key's position before them
based_changes as (
    {% if is_incremental() %}
        select
            {% for column in day_change_columns %}
                day_changes.{{ column }} as {{ column }},
            {% endfor %}
            -- keys without a stored position start from 0 (join_use_nulls 0)
            stored_positions.base_position as base_position
        from day_changes
        inner join first_touched_days on day_changes.network = first_touched_days.network
        left join stored_positions
            on
                day_changes.network = stored_positions.network
                and day_changes.coldkey = stored_positions.coldkey
                and day_changes.netuid = stored_positions.netuid
        where day_changes.position_date >= first_touched_days.first_day
    {% else %}
        select
            {{ day_change_columns | join(',\n            ') }},
            toDecimal128(0, 18) as base_position
        from day_changes
    {% endif %}
),

positions as (
    select
        {{ keys | join(', ') }},
        side_count,
        alpha_added,
        alpha_removed,
        net_alpha_change,
        base_position + sum(net_alpha_change) over (
            partition by network, coldkey, netuid
            order by position_date
            rows between unbounded preceding and current row
        ) as alpha_position,
        tao_staked,
        tao_unstaked,
        hotkey_count,
        first_block,
        last_block,
        _version
    from based_changes
)
{{ analytics_select_recomputed(
    'positions', keys, measures,
    '(network, position_date) in (select stored.network, stored.position_date from '
    ~ this ~ ' as stored inner join first_touched_days on stored.network = '
    ~ 'first_touched_days.network where stored.position_date >= first_touched_days.first_day)',
    touched.has_replaced if touched else false) }}
