-- Events of the current version of each block (rows of interrupted or replaced loads drop out
-- on the hash). load_id is the block version's load (the commit marker's), the watermark
-- downstream incremental models compare against.
select
    events.network as network,
    events.block_height as block_height,
    events.block_hash as block_hash,
    blocks.block_time as block_time,
    blocks.block_timestamp as block_timestamp,
    events.extrinsic_index as extrinsic_index,
    events.event_index as event_index,
    events.phase as phase,
    events.module_id as module_id,
    events.event_id as event_id,
    events.attributes as attributes,
    blocks.load_id as load_id
from {{ source('chain', 'events') }} as events
inner join {{ ref('stg_chain__blocks') }} as blocks
    on
        events.network = blocks.network
        and events.block_height = blocks.block_height
        and events.block_hash = blocks.block_hash
