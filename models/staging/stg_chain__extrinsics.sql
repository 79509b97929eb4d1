-- Extrinsics of the current version of each block.
select
    extrinsics.network as network,
    extrinsics.block_height as block_height,
    extrinsics.block_hash as block_hash,
    blocks.block_time as block_time,
    blocks.block_timestamp as block_timestamp,
    extrinsics.extrinsic_index as extrinsic_index,
    extrinsics.extrinsic_hash as extrinsic_hash,
    extrinsics.signer as signer,
    extrinsics.call_module as call_module,
    extrinsics.call_function as call_function,
    extrinsics.success as is_success,
    extrinsics.pays_fee as pays_fee,
    blocks.load_id as load_id
from {{ source('chain', 'extrinsics') }} as extrinsics
inner join {{ ref('stg_chain__blocks') }} as blocks
    on
        extrinsics.network = blocks.network
        and extrinsics.block_height = blocks.block_height
        and extrinsics.block_hash = blocks.block_hash
