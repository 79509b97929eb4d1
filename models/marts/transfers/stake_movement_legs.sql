{{ event_rows_table_config() }}
-- The StakeRemoved + StakeAdded a Bittensor stake movement (StakeMoved, StakeTransferred,
-- StakeSwapped) is carried out as: one row per leg, with its movement's event_index. Kept
-- here, not in balance_transfers, so one movement of value is one flow there; the legs hold
-- what the movement's own event does not (alpha on each side, the swap fee, each side's
-- coldkey and hotkey). Processes the block versions balance_transfers has processed.
{%- set batches = incremental_batches(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
with extracted_transfers as (
    {{ transfer_extraction(batches, stake_legs_only=true) }}
),

legs as (
    select *
    from extracted_transfers
    where reject_reason = '' and movement_event_index is not null
)

select
    network,
    block_height,
    event_index,
    extrinsic_index,
    block_timestamp,
    block_time,
    assumeNotNull(movement_event_index) as movement_event_index,
    movement_type,
    is_cross_subnet_movement,
    transfer_type as leg_type,
    {{ stake_leg_coldkey('transfer_type') }} as coldkey,
    {{ stake_leg_hotkey('transfer_type') }} as hotkey,
    assumeNotNull(netuid) as netuid,
    asset,
    amount as tao_amount,
    amount_raw as tao_amount_raw,
    assumeNotNull(alpha_amount) as alpha_amount,
    stake_fee,
    _version
from legs
