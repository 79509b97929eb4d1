-- Events of the current version of each block (rows of interrupted or replaced loads drop out
-- on the hash). load_id is the block version's load (the commit marker's), the watermark
-- downstream incremental models compare against.
select
    chain_events.network as network,
    chain_events.block_height as block_height,
    chain_events.block_hash as block_hash,
    current_blocks.block_time as block_time,
    current_blocks.block_timestamp as block_timestamp,
    chain_events.extrinsic_index as extrinsic_index,
    chain_events.event_index as event_index,
    chain_events.phase as phase,
    chain_events.module_id as module_id,
    chain_events.event_id as event_id,
    chain_events.attributes as attributes,
    current_blocks.load_id as load_id
from {{ source('chain', 'events') }} as chain_events
-- stg_chain__blocks has one row per (network, block_height): join on those two keys and
-- compare the hash after (cheaper than hashing the 66-character block_hash into the join key).
inner join {{ ref('stg_chain__blocks') }} as current_blocks
    on
        chain_events.network = current_blocks.network
        and chain_events.block_height = current_blocks.block_height
where chain_events.block_hash = current_blocks.block_hash
