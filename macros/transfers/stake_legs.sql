{#
    A stake movement (Bittensor StakeMoved, StakeTransferred, StakeSwapped) is carried out by
    the runtime as a StakeRemoved from its origin and a StakeAdded to its destination, emitted
    in the same extrinsic just before the movement's own event (subtensor staking/
    stake_utils.rs, move_stake.rs). Those two are the movement's legs: one movement of value,
    not two more flows. A leg is matched to its movement by key: (side, coldkey, hotkey,
    netuid) equal to the origin (removed) or destination (added) the movement names, and the
    movement the next event of that key in the extrinsic, so a plain StakeAdded of the same
    key earlier in a batch stays a flow of its own.
#}

{% macro stake_leg_matches(batches, rule_batches) %}
    {#- SQL: the legs among the events of `batches` (macros/incremental/batches.sql): network,
        block_height, event_index, movement_event_index, movement_type and
        is_cross_subnet_movement (the movement changes subnet: its legs move TAO out of one
        subnet's pool into another's). Reads only the stake events (few next to transfers),
        with the same rules as the main pass (those of `rule_batches`' networks). -#}
    {%- set rules = flat_transfer_rules(stake_legs_only=true, batches=rule_batches) -%}
    select
        network,
        block_height,
        event_index,
        toNullable(next_event_index) as movement_event_index,
        next_transfer_type as movement_type,
        next_changes_subnet as is_cross_subnet_movement
    from (
        select
            network,
            block_height,
            event_index,
            is_stake_movement,
            leadInFrame(is_stake_movement) over following_event as next_is_movement,
            leadInFrame(event_index) over following_event as next_event_index,
            leadInFrame(transfer_type) over following_event as next_transfer_type,
            leadInFrame(changes_subnet) over following_event as next_changes_subnet
        from (
            select
                network,
                block_height,
                extrinsic_index,
                event_index,
                {{ transfer_rule_column('is_stake_movement', 'false', rules) }}
                    as is_stake_movement,
                {{ transfer_rule_column('transfer_type', "''", rules) }} as transfer_type,
                {{ transfer_rule_column('stake_legs', '[]', rules) }} as stake_legs,
                {{ transfer_rule_column('netuid', "''", rules) }}
                != {{ transfer_rule_column('destination_netuid', "''", rules) }} as changes_subnet
            from (
                select
                    stake_events.network as network,
                    stake_events.block_height as block_height,
                    stake_events.extrinsic_index as extrinsic_index,
                    stake_events.event_index as event_index,
                    startsWith(stake_events.attributes_text, '{') as is_named,
                    {{ transfer_rule_number('network_settings.rules', rules) }} as rule_number,
                    {{ transfer_rule_fields(rules, 'stake_events.attributes_text', 'false') }}
                        as rule_fields
                from (
                    select
                        network,
                        block_height,
                        extrinsic_index,
                        event_index,
                        module_id,
                        event_id,
                        {{ exact_number_attributes('attributes') }} as attributes_text
                    from {{ ref('stg_chain__events') }}
                    where
                        {{ transfer_rule_events_filter(rules) }}
                        and extrinsic_index is not null
                        and {{ block_batch_condition(batches) }}
                ) as stake_events
                inner join network_settings on stake_events.network = network_settings.network
                where rule_number > 0
            ) as stake_rule_events
        ) as stake_rows
        array join stake_legs as stake_leg
        window following_event as (
            partition by network, block_height, extrinsic_index, stake_leg
            order by event_index
            rows between current row and 1 following
        )
    ) as keyed_stake_events
    where not is_stake_movement and next_is_movement
{%- endmacro %}

{% macro subnet_id_is_valid(netuid_text) -%}
    {#- A subnet field's text is absent ('': no subnet in this layout) or a u16 subnet id. -#}
    ({{ netuid_text }} = '' or match({{ netuid_text }}, '^[0-9]{1,5}$')
        and toUInt32OrZero({{ netuid_text }}) <= 65535)
{%- endmacro %}

{% macro stake_leg_coldkey(transfer_type) -%}
    {#- The coldkey of a StakeAdded (coldkey -> hotkey) or StakeRemoved (hotkey -> coldkey)
        row, from its from_address and to_address. -#}
    if({{ transfer_type }} = 'stake_added', from_address, to_address)
{%- endmacro %}

{% macro stake_leg_hotkey(transfer_type) -%}
    if({{ transfer_type }} = 'stake_added', to_address, from_address)
{%- endmacro %}
