-- Raw tables the loader writes and dbt reads as sources (models/staging/_sources.yml).
-- `{db}` is the raw database (FLOWS_RAW_DATABASE, default substrate_raw); statements are
-- separated by `;` lines.
--
-- Reader guarantee: `events` and `extrinsics` hold one version of each block, the one
-- recorded in `blocks`. A re-load of a block with the same hash inserts nothing; a block
-- whose hash changed has its old rows deleted before the new ones land (logged in
-- `block_replacements`). `blocks` is written last, so it is the commit marker: rows of a
-- block not (yet) in `blocks` with the same hash are an interrupted load and are ignored by
-- readers (join on network, block_height, block_hash) and cleaned by the next load.
-- The ReplacingMergeTree engines are a second line of defence, not the mechanism.

create database if not exists {db};

create table if not exists {db}.blocks
(
    network LowCardinality(String),
    block_height UInt32,
    block_hash String,
    block_time DateTime64(3, 'UTC'),
    extrinsic_count UInt32,
    event_count UInt32,
    source String,
    load_id UInt64,
    loaded_at DateTime64(3, 'UTC')
)
engine = ReplacingMergeTree(load_id)
order by (network, block_height);

create table if not exists {db}.events
(
    network LowCardinality(String),
    block_height UInt32,
    block_hash String,
    block_time DateTime64(3, 'UTC'),
    extrinsic_index Nullable(UInt32),
    event_index UInt32,
    phase LowCardinality(String),
    module_id LowCardinality(String),
    event_id LowCardinality(String),
    attributes String,
    source LowCardinality(String),
    load_id UInt64,
    loaded_at DateTime64(3, 'UTC')
)
engine = ReplacingMergeTree(load_id)
partition by (network, intDiv(block_height, 1000000))
order by (network, block_height, event_index);

create table if not exists {db}.extrinsics
(
    network LowCardinality(String),
    block_height UInt32,
    block_hash String,
    block_time DateTime64(3, 'UTC'),
    extrinsic_index UInt32,
    extrinsic_hash String,
    signer String,
    call_module LowCardinality(String),
    call_function LowCardinality(String),
    success Bool,
    pays_fee Nullable(Bool),
    source LowCardinality(String),
    load_id UInt64,
    loaded_at DateTime64(3, 'UTC')
)
engine = ReplacingMergeTree(load_id)
partition by (network, intDiv(block_height, 1000000))
order by (network, block_height, extrinsic_index);

create table if not exists {db}.quarantine
(
    network LowCardinality(String),
    source String,
    location String,
    raw_text String,
    reason String,
    load_id UInt64,
    quarantined_at DateTime64(3, 'UTC')
)
engine = MergeTree
order by (network, load_id, location);

create table if not exists {db}.block_replacements
(
    network LowCardinality(String),
    block_height UInt32,
    old_block_hash String,
    new_block_hash String,
    old_load_id UInt64,
    new_load_id UInt64,
    replaced_at DateTime64(3, 'UTC')
)
engine = MergeTree
order by (network, block_height, replaced_at);

-- Strings of SS58 shape in landed events whose checksum is wrong (loader/addresses.py checks
-- them: the engine has no BLAKE2b). The transfer rules reject them as address_checksum_mismatch.
-- Rows of load 0 were found in the events landed before this table existed.
create table if not exists {db}.address_checksum_failures
(
    network LowCardinality(String),
    address String,
    load_id UInt64,
    found_at DateTime64(3, 'UTC') default now64(3, 'UTC')
)
engine = ReplacingMergeTree(load_id)
order by (network, address);

-- Loader bookkeeping (not a dbt source): one 'started' row when a batch begins and one
-- 'committed' row with its counts once its blocks rows are written. A batch with no
-- 'committed' row was interrupted: the next load deletes its uncommitted rows. `load_id`s are
-- allocated from here (max + 1), which is why one loader at a time may write a raw database.
create table if not exists {db}.loads
(
    load_id UInt64,
    network LowCardinality(String),
    source String,
    status LowCardinality(String),
    blocks UInt64,
    extrinsics UInt64,
    events UInt64,
    skipped UInt64,
    replaced UInt64,
    quarantined UInt64,
    recorded_at DateTime64(3, 'UTC')
)
engine = MergeTree
order by (load_id, recorded_at);

-- `substrate-loader follow` bookkeeping (not dbt sources; loader/checkpoints.py). One row per
-- finished batch (landed and its dbt selection run) or stop at a gap; the row with the highest
-- checkpoint_id per (network, source) is the cursor: `next_height` is the first height not yet
-- indexed (for a folder: the first height missing from the raw blocks). `status` is 'ok', 'gap'
-- (a height missing from the source stopped the cursor; `detail` says which) or 'skipped_gap'
-- (--skip-gap moved the cursor past a missing height on request).
create table if not exists {db}.follow_checkpoints
(
    checkpoint_id UInt64,
    network LowCardinality(String),
    source String,
    next_height UInt64,
    status LowCardinality(String),
    detail String,
    load_ids Array(UInt64),
    recorded_at DateTime64(3, 'UTC')
)
engine = ReplacingMergeTree(checkpoint_id)
order by (network, source);

-- Files of a followed folder that landed (with the load ids of their batch), by name, size and
-- modification time: a file is loaded once; a file rewritten in place (new size or time) is
-- loaded again (a re-load adds no rows for blocks already there).
create table if not exists {db}.follow_files
(
    network LowCardinality(String),
    source String,
    file_name String,
    size UInt64,
    mtime_ns Int64,
    load_ids Array(UInt64),
    loaded_at DateTime64(3, 'UTC') default now64(3, 'UTC')
)
engine = MergeTree
order by (network, source, file_name, loaded_at);
