{{ event_rows_table_config() }}
-- Transaction fees paid in alpha (SubtensorModule.TransactionFeePaidWithAlpha), one row per
-- extrinsic that paid so, with its subnet: kept apart from every TAO total (balance_transfers
-- gives such an extrinsic no TAO fee). A fee is charged whether the call succeeds or fails.
-- Rows that cannot be read exactly keep their reason in reject_reason, never dropped.
-- Processes the block versions balance_transfers has processed.
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
{%- set alpha_fee = bittensor_alpha_fee_paid() %}
{%- set f = rule_field_refs(alpha_fee.fields) %}
with bittensor_networks as (
    select
        network,
        decimals
    from {{ ref('int_network_settings') }}
    where rules = 'bittensor'
),

fee_events as (
    select
        chain_events.network as network,
        chain_events.block_height as block_height,
        chain_events.event_index as event_index,
        assumeNotNull(chain_events.extrinsic_index) as extrinsic_index,
        chain_events.block_timestamp as block_timestamp,
        chain_events.block_time as block_time,
        chain_events.attributes as attributes,
        {{ exact_number_attributes('chain_events.attributes') }} as attributes_text,
        {{ rule_fields_extract(alpha_fee.fields, 'attributes_text') }} as rule_fields,
        bittensor_networks.decimals as decimals,
        chain_events.load_id as load_id
    from {{ ref('stg_chain__events') }} as chain_events
    inner join bittensor_networks on chain_events.network = bittensor_networks.network
    where
        chain_events.module_id = '{{ alpha_fee.module_id }}'
        and chain_events.event_id = '{{ alpha_fee.event_id }}'
        and chain_events.extrinsic_index is not null
        and {{ block_batch_condition(batches) }}
),

checked_fees as (
    select
        network,
        block_height,
        event_index,
        extrinsic_index,
        block_timestamp,
        block_time,
        attributes,
        {{ f.who }} as payer,
        {{ f.netuid }} as netuid_text,
        {{ f.alpha_fee }} as alpha_fee_text,
        {{ f.tao_amount }} as tao_amount_text,
        {{ planck_digits(planck_integer_text('alpha_fee_text')) }} as alpha_fee_digits,
        {{ planck_digits(planck_integer_text('tao_amount_text')) }} as tao_amount_digits,
        decimals,
        multiIf(
            {{ attributes_field_count() }} != 4, 'unknown_layout',
            payer = '', 'missing_address',
            not {{ account_address_is_valid('payer') }}, 'invalid_address',
            {{ account_address_checksum_fails('payer') }}, 'address_checksum_mismatch',
            netuid_text = '' or not {{ subnet_id_is_valid('netuid_text') }},
            'netuid_not_a_subnet_id',
            {{ planck_integer_text('alpha_fee_text') }} = ''
            or not {{ planck_fits_decimal128_18('alpha_fee_digits', bittensor_alpha_decimals()) }},
            'alpha_fee_not_an_unsigned_integer',
            {{ planck_integer_text('tao_amount_text') }} = ''
            or not {{ planck_fits_decimal128_18('tao_amount_digits', 'decimals') }},
            'tao_amount_not_an_unsigned_integer',
            ''
        ) as reject_reason,
        load_id
    from fee_events
)

select
    network,
    block_height,
    event_index,
    extrinsic_index,
    concat(toString(block_height), '-', toString(extrinsic_index)) as extrinsic_id,
    block_timestamp,
    block_time,
    payer,
    if(reject_reason = '', toUInt16OrZero(netuid_text), null) as netuid,
    if(
        reject_reason = '',
        {{ planck_to_decimal128_18('alpha_fee_digits', bittensor_alpha_decimals()) }},
        null
    ) as alpha_fee,
    if(reject_reason = '', toUInt256OrZero(alpha_fee_digits), null) as alpha_fee_raw,
    if(
        reject_reason = '',
        {{ planck_to_decimal128_18('tao_amount_digits', 'decimals') }},
        null
    ) as tao_amount,
    toLowCardinality(reject_reason) as reject_reason,
    attributes,
    load_id as _version
from checked_fees
