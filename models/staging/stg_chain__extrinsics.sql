-- Extrinsics of the current version of each block.
select
    chain_extrinsics.network as network,
    chain_extrinsics.block_height as block_height,
    chain_extrinsics.block_hash as block_hash,
    current_blocks.block_time as block_time,
    current_blocks.block_timestamp as block_timestamp,
    chain_extrinsics.extrinsic_index as extrinsic_index,
    chain_extrinsics.extrinsic_hash as extrinsic_hash,
    chain_extrinsics.signer as signer,
    chain_extrinsics.call_module as call_module,
    chain_extrinsics.call_function as call_function,
    chain_extrinsics.success as is_success,
    chain_extrinsics.pays_fee as pays_fee,
    current_blocks.load_id as load_id
from {{ source('chain', 'extrinsics') }} as chain_extrinsics
inner join {{ ref('stg_chain__blocks') }} as current_blocks
    on
        chain_extrinsics.network = current_blocks.network
        and chain_extrinsics.block_height = current_blocks.block_height
        and chain_extrinsics.block_hash = current_blocks.block_hash
