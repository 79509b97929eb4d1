-- No transfer of balance_transfers comes from an extrinsic that emitted System.ExtrinsicFailed
-- (same block, same extrinsic index). Fails with those transfers.
with failed_extrinsics as (
    select distinct
        network,
        block_height,
        extrinsic_index
    from {{ ref('stg_chain__events') }}
    where module_id = 'System' and event_id = 'ExtrinsicFailed' and extrinsic_index is not null
)

select
    balance_transfers.network as network,
    balance_transfers.block_height as block_height,
    balance_transfers.event_index as event_index,
    balance_transfers.extrinsic_index as extrinsic_index
from {{ ref('balance_transfers') }} as balance_transfers
inner join failed_extrinsics
    on
        balance_transfers.network = failed_extrinsics.network
        and balance_transfers.block_height = failed_extrinsics.block_height
        and balance_transfers.extrinsic_index = failed_extrinsics.extrinsic_index
