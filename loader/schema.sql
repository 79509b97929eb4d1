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
