{#
    The SELECT of int_transfers_extracted for `batches` (block_batches' form: the block versions
    to process per network; none for all of them, [] for none). In a macro, not in the model
    file, because one run may execute it several times: the model's statement takes the first
    chunk of the new block versions, transfers_extracted_remaining_chunks (its post_hook) the
    others (see block_batch_chunks). Edit the extraction here.
#}
{% macro transfers_extracted_select(batches) %}
{%- set batch = block_batch_condition(batches, 'load_id') %}
{#- The network rules, numbered (macros/networks/network_rules.sql): built once, used below;
    an incremental run takes only the rule sets of the networks it reads. -#}
{%- set rules = flat_transfer_rules(batch_rule_sets(batches)) %}
{#- Columns every event row carries from events_with_settings to the end. -#}
{%- set event_columns = [
    'network', 'block_height', 'block_time', 'block_timestamp', 'extrinsic_index', 'event_index',
    'load_id', 'asset', 'decimals', 'partition_blocks',
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
    from {{ ref('networks') }}
),

batch_blocks as (
    select
        network,
        block_height,
        block_time,
        block_timestamp,
        load_id,
        -- A chain without a row of its own is partitioned like `generic`.
        if(
            network in (select network_settings.network from network_settings), network, 'generic'
        ) as settings_network
    from {{ ref('stg_chain__blocks') }}
    where {{ batch }}
),

failed_extrinsics as (
    -- The extrinsics that failed (System.ExtrinsicFailed): their transfers are reverted. Few
    -- rows, read apart: a set the transfers are checked against. Raw events of the current
    -- block versions in the batch by a set lookup on the version's key (cheaper than the
    -- staging view's join, which also carries the block columns this set does not need).
    select
        network,
        block_height,
        assumeNotNull(extrinsic_index) as extrinsic_index
    from {{ source('chain', 'events') }}
    where
        module_id = 'System' and event_id = 'ExtrinsicFailed' and extrinsic_index is not null
        and (network, block_height, block_hash) in (
            select
                batch_block_versions.network,
                batch_block_versions.block_height,
                batch_block_versions.block_hash
            from {{ ref('stg_chain__blocks') }} as batch_block_versions
            where {{ batch }}
        )
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
        attributes,
        load_id,
        network in (select network_settings.network from network_settings) as has_own_settings,
        -- A chain without a row of its own: `generic` rules, but no asset nor decimals (rejected).
        if(has_own_settings, network, 'generic') as settings_network
    from {{ ref('stg_chain__events') }}
    where
        (
            {{ transfer_rule_events_filter(rules) }}
            or (module_id = 'TransactionPayment' and event_id = 'TransactionFeePaid')
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
        batch_events.attributes as attributes,
        batch_events.load_id as load_id,
        startsWith(batch_events.attributes, '{') as is_named,
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
        and batch_events.event_id = 'TransactionFeePaid' as is_fee_payment
    from batch_events
    inner join network_settings on batch_events.settings_network = network_settings.network
    where rule_number > 0 or is_fee_payment
),

classified_events as (
    -- One JSONExtract per event (rule_fields: the fields its rule or the fee payment reads).
    -- rule_fields goes on through the window whole: every column below is derived from that
    -- one materialized value (a rule column computed only inside multiIf branches would have
    -- ClickHouse's short-circuit evaluation parse the JSON again for each use).
    -- from_address: a transfer's sender; on a fee payment (no rule) its payer, the first field
    -- (one column for the window below to group them by; not in a separate `if`, whose lazy
    -- branches would parse the JSON again).
    select
        {{ event_columns | join(',\n        ') }},
        rule_number,
        is_named,
        is_fee_payment,
        {{ transfer_rule_fields(rules) }} as rule_fields,
        {{ transfer_rule_column('from_address', 'tupleElement(rule_fields, 1)', rules) }}
            as from_address
    from events_with_settings
),

events_by_sender as (
    -- What a transfer needs to know about the fee payments of its extrinsic made by its sender:
    -- how many there are, the actual_fee text (second field) of the first one, and the
    -- event_index of the sender's first transfer in that extrinsic. One window per (extrinsic,
    -- from_address) with scalar aggregates (no order needed: argMin / min by event_index).
    select
        {{ event_columns | join(',\n        ') }},
        rule_number,
        is_named,
        rule_fields,
        from_address,
        countIf(is_fee_payment) over sender as fee_payment_count,
        argMinIf(tupleElement(rule_fields, 2), event_index, is_fee_payment) over sender
            as first_fee_text,
        minIf(event_index, rule_number > 0) over sender as first_send_index
    from classified_events
    window sender as (partition by network, block_height, extrinsic_index, from_address)
),

transfers as (
    -- Transfers outside failed extrinsics, with the rule's other columns. The extrinsic's fee
    -- goes on the first transfer (lowest event_index) sent by the fee payer; every other
    -- transfer gets '0'.
    select
        {{ event_columns | join(',\n        ') }},
        rule_number,
        from_address,
        {{ transfer_rule_column('transfer_type', "''", rules) }} as transfer_type,
        {{ transfer_rule_column('to_address', "''", rules) }} as to_address,
        {{ transfer_rule_column('amount', "''", rules) }} as amount_text,
        {{ transfer_rule_column('from_is_system', 'false', rules) }} as from_is_system,
        {{ transfer_rule_column('to_is_system', 'false', rules) }} as to_is_system,
        fee_payment_count,
        if(
            event_index = first_send_index and fee_payment_count > 0, first_fee_text, '0'
        ) as fee_text
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
        transfer_type,
        from_address,
        to_address,
        amount_text,
        fee_text,
        from_is_system,
        to_is_system,
        {{ planck_digits('amount_text') }} as amount_digits,
        {{ planck_digits('fee_text') }} as fee_digits,
        coalesce(decimals <= 18, false) as has_decimals,
        {{ planck_text_is_unsigned_integer('amount_text') }} as is_amount_integer,
        {{ planck_text_is_unsigned_integer('fee_text') }} as is_fee_integer,
        has_decimals and is_amount_integer
        and {{ planck_fits_decimal128_18('amount_digits', 'decimals') }} as is_amount_convertible,
        has_decimals and is_fee_integer
        and {{ planck_fits_decimal128_18('fee_digits', 'decimals') }} as is_fee_convertible,
        multiIf(
            asset is null or decimals is null, 'no_network_settings',
            decimals > 18, 'decimals_above_18',
            from_address = '' and transfer_type != 'stake_added_legacy'
            or to_address = '' and transfer_type != 'stake_removed_legacy', 'missing_address',
            not is_amount_integer, 'amount_not_an_unsigned_integer',
            not is_amount_convertible, 'amount_exceeds_decimal128_18',
            fee_payment_count > 1, 'several_fee_payments_by_sender',
            not is_fee_integer, 'fee_not_an_unsigned_integer',
            not is_fee_convertible, 'fee_exceeds_decimal128_18',
            ''
        ) as reject_reason
    from transfers
)

select
    network,
    block_height,
    event_index,
    toLowCardinality(if(reject_reason = '', 'transfer', 'rejected')) as row_kind,
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
        is_amount_convertible,
        {{ planck_to_decimal128_18('amount_digits', 'assumeNotNull(decimals)') }},
        toDecimal128(0, 18)
    ) as amount,
    if(
        is_fee_convertible,
        {{ planck_to_decimal128_18('fee_digits', 'assumeNotNull(decimals)') }},
        toDecimal128(0, 18)
    ) as fee,
    toLowCardinality(reject_reason) as reject_reason,
    -- The texts are for balance_transfers_rejected only: not written on accepted transfers.
    if(reject_reason = '', '', amount_text) as amount_text,
    if(reject_reason = '', '', fee_text) as fee_text,
    toUInt32(block_height - block_height % partition_blocks) as block_range_start,
    load_id as _version
from checked_transfers

union all

select
    batch_blocks.network as network,
    batch_blocks.block_height as block_height,
    toUInt32(0) as event_index,
    toLowCardinality('block') as row_kind,
    cast(null, 'Nullable(UInt32)') as extrinsic_index,
    batch_blocks.block_timestamp as block_timestamp,
    batch_blocks.block_time as block_time,
    toLowCardinality('') as transfer_type,
    '' as from_address,
    '' as to_address,
    false as from_is_system,
    false as to_is_system,
    toLowCardinality('') as asset,
    toDecimal128(0, 18) as amount,
    toDecimal128(0, 18) as fee,
    toLowCardinality('') as reject_reason,
    '' as amount_text,
    '' as fee_text,
    toUInt32(
        batch_blocks.block_height - batch_blocks.block_height % network_settings.partition_blocks
    ) as block_range_start,
    batch_blocks.load_id as _version
from batch_blocks
inner join network_settings on batch_blocks.settings_network = network_settings.network
{% endmacro %}
