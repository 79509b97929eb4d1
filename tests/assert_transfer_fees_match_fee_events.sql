-- Fees are counted once per extrinsic: per network, the sum of balance_transfers.fee equals the
-- sum of TransactionFeePaid.actual_fee (tip included) over the fee events whose extrinsic holds
-- a transfer sent by the payer. Compared in planck (u128 arithmetic, amounts parsed here
-- independently of the model). Fails with the networks where the sums differ.
with network_settings as (
    select
        network,
        decimals,
        redenomination_height,
        decimals_before_redenomination
    from {{ ref('networks') }}
),

recorded_fees as (
    select
        balance_transfers.network as network,
        sum(toUInt256(
            toDecimal256(balance_transfers.fee, 18)
            * intExp10(if(
                balance_transfers.block_height < network_settings.redenomination_height,
                network_settings.decimals_before_redenomination,
                network_settings.decimals
            ))
        )) as fee_planck
    from {{ ref('balance_transfers') }} as balance_transfers
    inner join network_settings on balance_transfers.network = network_settings.network
    group by balance_transfers.network
),

payer_transfers as (
    select distinct
        network,
        block_height,
        extrinsic_index,
        from_address
    from {{ ref('balance_transfers') }}
    where extrinsic_index is not null
),

fee_events as (
    select
        network,
        block_height,
        extrinsic_index,
        if(
            JSONType(attributes) = 'Object',
            JSONExtractString(attributes, 'who'),
            JSONExtractString(attributes, 1)
        ) as payer,
        if(
            JSONType(attributes) = 'Object',
            JSONExtract(attributes, 'actual_fee', 'UInt256'),
            JSONExtract(attributes, 2, 'UInt256')
        ) as actual_fee_planck
    from {{ ref('stg_chain__events') }}
    where module_id = 'TransactionPayment' and event_id = 'TransactionFeePaid'
),

expected_fees as (
    select
        fee_events.network as network,
        sum(fee_events.actual_fee_planck) as fee_planck
    from fee_events
    inner join payer_transfers
        on
            fee_events.network = payer_transfers.network
            and fee_events.block_height = payer_transfers.block_height
            and fee_events.extrinsic_index = payer_transfers.extrinsic_index
            and fee_events.payer = payer_transfers.from_address
    group by fee_events.network
)

select
    recorded_fees.network as network,
    recorded_fees.fee_planck as recorded_fee_planck,
    expected_fees.fee_planck as expected_fee_planck
from recorded_fees
full outer join expected_fees on recorded_fees.network = expected_fees.network
where recorded_fees.fee_planck != expected_fees.fee_planck
