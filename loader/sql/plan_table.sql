-- The heights a batch writes: its line for each, and the version it replaces ('' if none).
create table {{ plan }} (block_height UInt32, line_no UInt64, block_hash String, old_block_hash String, old_load_id UInt64)
engine = Memory
