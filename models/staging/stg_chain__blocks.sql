-- The current version of each block: the newest load of (network, block_height).
-- FINAL on `blocks` (one row per block, small next to events) does what ReplacingMergeTree's
-- merges will do eventually; events and extrinsics join on the hash kept here.
select
    network,
    block_height,
    block_hash,
    block_time,
    toUInt64(toUnixTimestamp64Milli(block_time)) as block_timestamp,
    extrinsic_count,
    event_count,
    load_id
from {{ source('chain', 'blocks') }} final
