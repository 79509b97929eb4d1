-- Every fee is accounted for exactly once. Per extrinsic and payer with a TransactionFeePaid
-- event (actual_fee, tip included) and a transfer the payer sent: the fees of its rows in
-- balance_transfers sum to actual_fee when balance_transfers keeps one of them; otherwise the
-- fee went to balance_transfers_rejected with the payer's rejected transfer. Compared in
-- planck, parsed here independently of the models. A fee paid in alpha (the payer's
-- SubtensorModule.TransactionFeePaidWithAlpha in the same extrinsic) is no TAO fee: 0 is
-- expected. Fails with one row per extrinsic whose fee is lost (or counted where no fee event
-- is), saying which.
with network_settings as (
    select
        network,
        decimals,
        redenomination_height,
        decimals_before_redenomination
    from {{ ref('int_network_settings') }}
),

kept_fees as (
    select
        balance_transfers.network as network,
        balance_transfers.block_height as block_height,
        assumeNotNull(balance_transfers.extrinsic_index) as extrinsic_index,
        balance_transfers.from_address as payer,
        sum(toUInt256(
            toDecimal256(balance_transfers.fee, 18)
            * intExp10(if(
                balance_transfers.block_height < network_settings.redenomination_height,
                network_settings.decimals_before_redenomination,
                network_settings.decimals
            ))
        )) as kept_fee_planck
    from {{ ref('balance_transfers') }} as balance_transfers
    inner join network_settings on balance_transfers.network = network_settings.network
    where balance_transfers.extrinsic_index is not null
    group by network, block_height, extrinsic_index, payer
),

rejected_fees as (
    select
        network,
        block_height,
        assumeNotNull(extrinsic_index) as extrinsic_index,
        from_address as payer,
        groupArray(fee_text) as rejected_fee_texts
    from {{ ref('balance_transfers_rejected') }}
    where extrinsic_index is not null
    group by network, block_height, extrinsic_index, payer
),

payments as (
    -- TAO fee events, and the alpha-paid fee events that make theirs no TAO fee
    select
        network,
        block_height,
        assumeNotNull(extrinsic_index) as extrinsic_index,
        module_id = 'SubtensorModule' as is_alpha_payment,
        JSONType(attributes) = 'Object' as is_named,
        if(
            is_named, JSONExtractString(attributes, 'who'), JSONExtractString(attributes, 1)
        ) as payer,
        if(
            is_named, JSONExtractRaw(attributes, 'actual_fee'), JSONExtractRaw(attributes, 2)
        ) as paid_fee_text,
        if(
            is_named,
            JSONExtract(attributes, 'actual_fee', 'UInt256'),
            JSONExtract(attributes, 2, 'UInt256')
        ) as paid_fee_planck
    from {{ ref('stg_chain__events') }}
    where
        (
            module_id = 'TransactionPayment' and event_id = 'TransactionFeePaid'
            or module_id = 'SubtensorModule' and event_id = 'TransactionFeePaidWithAlpha'
        )
        and extrinsic_index is not null
),

fee_events as (
    select
        network,
        block_height,
        extrinsic_index,
        payer,
        (network, block_height, extrinsic_index, payer) in (
            select
                alpha_payments.network,
                alpha_payments.block_height,
                alpha_payments.extrinsic_index,
                alpha_payments.payer
            from payments as alpha_payments
            where alpha_payments.is_alpha_payment
        ) as is_paid_in_alpha,
        if(is_paid_in_alpha, '0', paid_fee_text) as actual_fee_text,
        if(is_paid_in_alpha, toUInt256(0), paid_fee_planck) as actual_fee_planck
    from payments
    where not is_alpha_payment
),

fee_sides as (
    select
        network,
        block_height,
        extrinsic_index,
        payer,
        kept_fee_planck,
        toUInt256(0) as expected_fee_planck,
        '' as expected_fee_text,
        true as is_kept_transfer
    from kept_fees

    union all

    select
        network,
        block_height,
        extrinsic_index,
        payer,
        toUInt256(0) as kept_fee_planck,
        actual_fee_planck as expected_fee_planck,
        actual_fee_text as expected_fee_text,
        false as is_kept_transfer
    from fee_events
),

fee_accounts as (
    select
        network,
        block_height,
        extrinsic_index,
        payer,
        sum(kept_fee_planck) as kept_fee_planck,
        sum(expected_fee_planck) as expected_fee_planck,
        max(expected_fee_text) as expected_fee_text,
        max(is_kept_transfer) as has_kept_transfer,
        countIf(not is_kept_transfer) > 0 as has_fee_event
    from fee_sides
    group by network, block_height, extrinsic_index, payer
),

checked_fees as (
    select
        fee_accounts.network as network,
        fee_accounts.block_height as block_height,
        fee_accounts.extrinsic_index as extrinsic_index,
        fee_accounts.payer as payer,
        fee_accounts.expected_fee_planck as expected_fee_planck,
        fee_accounts.kept_fee_planck as kept_fee_planck,
        multiIf(
            not fee_accounts.has_fee_event and fee_accounts.kept_fee_planck > 0,
            'fee without a fee event',
            fee_accounts.has_kept_transfer
            and fee_accounts.kept_fee_planck != fee_accounts.expected_fee_planck,
            'fee lost: balance_transfers does not carry it',
            not fee_accounts.has_kept_transfer and notEmpty(rejected_fees.rejected_fee_texts)
            and not has(
                rejected_fees.rejected_fee_texts,
                trim(both '"' from fee_accounts.expected_fee_text)
            ),
            'fee lost: its rejected transfer does not carry it',
            ''
        ) as problem
    from fee_accounts
    left join rejected_fees
        on
            fee_accounts.network = rejected_fees.network
            and fee_accounts.block_height = rejected_fees.block_height
            and fee_accounts.extrinsic_index = rejected_fees.extrinsic_index
            and fee_accounts.payer = rejected_fees.payer
)

select
    network,
    block_height,
    extrinsic_index,
    payer,
    expected_fee_planck,
    kept_fee_planck,
    problem
from checked_fees
where problem != ''
