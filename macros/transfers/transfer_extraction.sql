{#
    Every transfer the network rules find in the block versions of `batches` (see
    macros/incremental/batches.sql), with its fee and, when it cannot be recorded exactly, the
    reason (reject_reason; '' for a transfer balance_transfers keeps). One pass over the events.
    A stake leg (macros/transfers/stake_legs.sql) has its movement's event_index in
    movement_event_index: it is part of that movement, not a transfer of its own, and never
    carries a fee. with_event_text: also the event's module_id, event_id and attributes as
    loaded. stake_legs_only: only the stake events that can be legs (stake_movement_legs), and
    no fee events (a leg never carries a fee). rule_batches: the batches whose networks' rules
    are compiled in (none: those of `batches`; a model that runs its statement again for further
    chunks passes them all).
#}
{% macro transfer_extraction(
    batches, with_event_text=false, stake_legs_only=false, rule_batches=none
) %}
    {%- set batch = block_batch_condition(batches) -%}
    {%- set rule_batches = batches if rule_batches is none else rule_batches -%}
    {%- set rules = flat_transfer_rules(stake_legs_only, rule_batches) -%}
    {%- set alpha_fee = bittensor_alpha_fee_paid() -%}
    {%- set fee_events = 'false' if stake_legs_only else "(module_id = 'TransactionPayment' and"
        ~ " event_id = 'TransactionFeePaid') or (module_id = '" ~ alpha_fee.module_id
        ~ "' and event_id = '" ~ alpha_fee.event_id ~ "')" -%}
    {#- Columns every event row carries from events_with_settings to the end. -#}
    {%- set event_columns = [
        'network', 'block_height', 'block_time', 'block_timestamp', 'extrinsic_index',
        'event_index', 'load_id', 'asset', 'decimals', 'partition_blocks',
    ] + (['module_id', 'event_id', 'attributes'] if with_event_text else []) %}
    {#- The subnet fields every transfer row carries from checked_events to the end. -#}
    {%- set stake_columns = [
        'netuid_text', 'destination_netuid_text', 'alpha_text', 'alpha_decimals', 'alpha_digits',
        'stake_fee_text', 'stake_fee_digits', 'movement_event_index', 'movement_type',
        'is_cross_subnet_movement',
    ] %}

with network_settings as (
    select
        network,
        rules,
        asset,
        decimals,
        redenomination_height,
        decimals_before_redenomination,
        partition_blocks
    from {{ ref('int_network_settings') }}
),

failed_extrinsics as (
    -- The extrinsics that failed (System.ExtrinsicFailed): their transfers are reverted.
    select
        failed_events.network as network,
        failed_events.block_height as block_height,
        assumeNotNull(failed_events.extrinsic_index) as extrinsic_index
    from {{ source('chain', 'events') }} as failed_events
    where
        failed_events.module_id = 'System'
        and failed_events.event_id = 'ExtrinsicFailed'
        and failed_events.extrinsic_index is not null
        and (failed_events.network, failed_events.block_height, failed_events.block_hash) in (
            select
                batch_block_versions.network,
                batch_block_versions.block_height,
                batch_block_versions.block_hash
            from {{ ref('stg_chain__blocks') }} as batch_block_versions
            where {{ batch }}
        )
),

stake_legs as (
    {{ stake_leg_matches(batches, rule_batches) }}
),

batch_events as (
    -- Only the events a rule or the fee reads.
    select
        network,
        block_height,
        block_time,
        block_timestamp,
        extrinsic_index,
        event_index,
        module_id,
        event_id,
        {{ exact_number_attributes('attributes') }} as attributes_text,
        {% if with_event_text %}attributes,{% endif %}
        load_id,
        network in (select network_settings.network from network_settings) as has_own_settings,
        -- A chain without settings of its own: `generic` rules, but no asset nor decimals.
        if(has_own_settings, network, 'generic') as settings_network
    from {{ ref('stg_chain__events') }}
    where
        (
            {{ transfer_rule_events_filter(rules) }}
            or {{ fee_events }}
        )
        and {{ batch }}
),

events_with_settings as (
    select
        batch_events.network as network,
        batch_events.block_height as block_height,
        batch_events.block_time as block_time,
        batch_events.block_timestamp as block_timestamp,
        batch_events.extrinsic_index as extrinsic_index,
        batch_events.event_index as event_index,
        batch_events.module_id as module_id,
        batch_events.event_id as event_id,
        batch_events.attributes_text as attributes_text,
        {% if with_event_text %}batch_events.attributes as attributes,{% endif %}
        batch_events.load_id as load_id,
        startsWith(batch_events.attributes_text, '{') as is_named,
        if(batch_events.has_own_settings, network_settings.asset, null) as asset,
        if(
            batch_events.has_own_settings,
            {{ decimals_at_height('batch_events.block_height') }},
            null
        ) as decimals,
        network_settings.partition_blocks as partition_blocks,
        {{ transfer_rule_number('network_settings.rules', rules) }} as rule_number,
        batch_events.extrinsic_index is not null
        and batch_events.module_id = 'TransactionPayment'
        and batch_events.event_id = 'TransactionFeePaid' as is_fee_payment,
        -- the extrinsic's fee was paid in alpha: its TransactionFeePaid is no TAO fee
        batch_events.extrinsic_index is not null
        and batch_events.module_id = '{{ alpha_fee.module_id }}'
        and batch_events.event_id = '{{ alpha_fee.event_id }}' as is_alpha_fee_payment
    from batch_events
    inner join network_settings on batch_events.settings_network = network_settings.network
    where rule_number > 0 or is_fee_payment or is_alpha_fee_payment
),

extracted_events as (
    -- One JSONExtract per event (rule_fields), every rule column derived from it. On a fee
    -- payment (no rule) from_address is the payer and amount_text the actual_fee, tip included.
    select
        {{ event_columns | join(',\n        ') }},
        rule_number,
        is_named,
        is_fee_payment,
        is_alpha_fee_payment,
        {{ transfer_rule_fields(rules, 'attributes_text', 'is_fee_payment or is_alpha_fee_payment') }}
            as rule_fields,
        {{ transfer_rule_column('from_address', 'tupleElement(rule_fields, 1)', rules) }}
            as from_address,
        {{ transfer_rule_column('to_address', "''", rules) }} as to_address,
        {{ transfer_rule_column('transfer_type', "''", rules) }} as transfer_type,
        {{ transfer_rule_column('amount', 'tupleElement(rule_fields, 2)', rules) }}
            as amount_text,
        {{ transfer_rule_column('from_is_system', 'false', rules) }} as from_is_system,
        {{ transfer_rule_column('to_is_system', 'false', rules) }} as to_is_system,
        {{ transfer_rule_column('netuid', "''", rules) }} as netuid_text,
        {{ transfer_rule_column('destination_netuid', "''", rules) }} as destination_netuid_text,
        {{ transfer_rule_column('alpha_amount', "''", rules) }} as alpha_text,
        {{ transfer_rule_column('alpha_decimals', '0', rules) }} as alpha_decimals,
        {{ transfer_rule_column('stake_fee', "''", rules) }} as stake_fee_text,
        {{ transfer_rule_column('layout_ok', 'true', rules) }} as is_known_layout
    from events_with_settings
),

checked_events as (
    -- A transfer's own reason to be rejected (its settings, layout, addresses, amount and
    -- subnet fields); the fee's reasons are added once the fee is placed.
    select
        {% for column in event_columns %}
            extracted_events.{{ column }} as {{ column }},
        {% endfor %}
        extracted_events.rule_number as rule_number,
        extracted_events.is_fee_payment as is_fee_payment,
        extracted_events.is_alpha_fee_payment as is_alpha_fee_payment,
        extracted_events.from_address as from_address,
        extracted_events.to_address as to_address,
        extracted_events.transfer_type as transfer_type,
        extracted_events.from_is_system as from_is_system,
        extracted_events.to_is_system as to_is_system,
        extracted_events.amount_text as amount_text,
        extracted_events.netuid_text as netuid_text,
        extracted_events.destination_netuid_text as destination_netuid_text,
        extracted_events.alpha_text as alpha_text,
        extracted_events.alpha_decimals as alpha_decimals,
        extracted_events.stake_fee_text as stake_fee_text,
        stake_legs.movement_event_index as movement_event_index,
        stake_legs.movement_type as movement_type,
        stake_legs.is_cross_subnet_movement as is_cross_subnet_movement,
        {{ planck_digits(planck_integer_text('amount_text')) }} as amount_digits,
        {{ planck_integer_text('amount_text') }} != '' as is_amount_integer,
        {{ planck_digits(planck_integer_text('alpha_text')) }} as alpha_digits,
        {{ planck_digits(planck_integer_text('stake_fee_text')) }} as stake_fee_digits,
        multiIf(
            is_fee_payment or is_alpha_fee_payment, '',
            asset is null or decimals is null, 'no_network_settings',
            not extracted_events.is_known_layout, 'unknown_layout',
            from_address = '' and transfer_type != 'stake_added_legacy'
            or to_address = '' and transfer_type != 'stake_removed_legacy', 'missing_address',
            not from_is_system and from_address != ''
            and not {{ account_address_is_valid('from_address') }}
            or not to_is_system and to_address != ''
            and not {{ account_address_is_valid('to_address') }}, 'invalid_address',
            {{ account_address_checksum_fails('from_address') }}
            or {{ account_address_checksum_fails('to_address') }}, 'address_checksum_mismatch',
            not is_amount_integer, 'amount_not_an_unsigned_integer',
            not {{ planck_fits_decimal128_18('amount_digits', 'decimals') }},
            'amount_exceeds_decimal128_18',
            not ({{ subnet_id_is_valid('netuid_text') }}
                and {{ subnet_id_is_valid('destination_netuid_text') }}), 'netuid_not_a_subnet_id',
            alpha_text != '' and {{ planck_integer_text('alpha_text') }} = ''
            or not {{ planck_fits_decimal128_18('alpha_digits', 'alpha_decimals') }},
            'alpha_amount_not_an_unsigned_integer',
            stake_fee_text != '' and {{ planck_integer_text('stake_fee_text') }} = ''
            or not {{ planck_fits_decimal128_18('stake_fee_digits', 'decimals') }},
            'stake_fee_not_an_unsigned_integer',
            ''
        ) as own_reject_reason
    from extracted_events
    left join stake_legs
        on
            extracted_events.network = stake_legs.network
            and extracted_events.block_height = stake_legs.block_height
            and extracted_events.event_index = stake_legs.event_index
),

events_by_sender as (
    -- The fee of an extrinsic goes on one transfer its payer sent in it: the first one
    -- balance_transfers keeps, else (all rejected) the first one, rejected with it.
    select
        {{ event_columns | join(',\n        ') }},
        rule_number,
        from_address,
        to_address,
        transfer_type,
        from_is_system,
        to_is_system,
        amount_text,
        amount_digits,
        {{ stake_columns | join(',\n        ') }},
        own_reject_reason,
        countIf(is_fee_payment) over sender as fee_payment_count,
        countIf(is_alpha_fee_payment) over sender as alpha_fee_payment_count,
        argMinIf(amount_text, event_index, is_fee_payment) over sender as fee_payment_text,
        -- a stake leg is part of its movement, never the carrier of a fee
        coalesce(
            minIfOrNull(
                event_index,
                rule_number > 0 and own_reject_reason = '' and movement_event_index is null
            ) over sender,
            minIfOrNull(event_index, rule_number > 0 and movement_event_index is null) over sender
        ) as fee_carrier_index
    from checked_events
    window sender as (partition by network, block_height, extrinsic_index, from_address)
),

transfers as (
    -- Transfers outside failed extrinsics.
    select
        {{ event_columns | join(',\n        ') }},
        from_address,
        to_address,
        transfer_type,
        from_is_system,
        to_is_system,
        amount_text,
        amount_digits,
        {{ stake_columns | join(',\n        ') }},
        own_reject_reason,
        fee_payment_count,
        event_index = fee_carrier_index and fee_payment_count > 0 as is_fee_carrier,
        -- a fee paid in alpha is not a TAO fee (bittensor_alpha_fees keeps it)
        if(is_fee_carrier and alpha_fee_payment_count = 0, fee_payment_text, '0') as fee_text,
        {{ planck_digits(planck_integer_text('fee_text')) }} as fee_digits
    from events_by_sender
    where
        rule_number > 0
        and not (
            extrinsic_index is not null
            and (network, block_height, assumeNotNull(extrinsic_index)) in (
                select
                    failed_extrinsics.network,
                    failed_extrinsics.block_height,
                    failed_extrinsics.extrinsic_index
                from failed_extrinsics
            )
        )
),

checked_transfers as (
    select
        {{ event_columns | join(',\n        ') }},
        from_address,
        to_address,
        transfer_type,
        from_is_system,
        to_is_system,
        amount_text,
        amount_digits,
        {{ stake_columns | join(',\n        ') }},
        fee_text,
        fee_digits,
        multiIf(
            own_reject_reason != '', own_reject_reason,
            is_fee_carrier and fee_payment_count > 1, 'several_fee_payments_by_sender',
            {{ planck_integer_text('fee_text') }} = '', 'fee_not_an_unsigned_integer',
            not {{ planck_fits_decimal128_18('fee_digits', 'decimals') }},
            'fee_exceeds_decimal128_18',
            ''
        ) as reject_reason
    from transfers
)

select
    network,
    block_height,
    event_index,
    extrinsic_index,
    block_timestamp,
    block_time,
    toLowCardinality(transfer_type) as transfer_type,
    from_address,
    to_address,
    toBool(from_is_system) as from_is_system,
    toBool(to_is_system) as to_is_system,
    toLowCardinality(coalesce(asset, '')) as asset,
    if(
        reject_reason = '',
        {{ planck_to_decimal128_18('amount_digits', 'assumeNotNull(decimals)') }},
        toDecimal128(0, 18)
    ) as amount,
    if(reject_reason = '', toUInt256OrZero(amount_digits), toUInt256(0)) as amount_raw,
    if(
        reject_reason = '',
        {{ planck_to_decimal128_18('fee_digits', 'assumeNotNull(decimals)') }},
        toDecimal128(0, 18)
    ) as fee,
    if(
        reject_reason = '' and netuid_text != '', toUInt16OrNull(netuid_text), null
    ) as netuid,
    if(
        reject_reason = '' and destination_netuid_text != '',
        toUInt16OrNull(destination_netuid_text),
        null
    ) as destination_netuid,
    if(
        reject_reason = '' and alpha_text != '',
        {{ planck_to_decimal128_18('alpha_digits', 'alpha_decimals') }},
        null
    ) as alpha_amount,
    if(
        reject_reason = '' and stake_fee_text != '',
        {{ planck_to_decimal128_18('stake_fee_digits', 'assumeNotNull(decimals)') }},
        null
    ) as stake_fee,
    movement_event_index,
    toLowCardinality(movement_type) as movement_type,
    is_cross_subnet_movement,
    toLowCardinality(reject_reason) as reject_reason,
    amount_text,
    fee_text,
    toUInt32(block_height - block_height % partition_blocks) as block_range_start,
    {% if with_event_text %}module_id, event_id, attributes,{% endif %}
    load_id as _version
from checked_transfers
{% endmacro %}
