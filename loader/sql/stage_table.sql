-- A batch's staging table: one row per line, parsed and checked; `problem` is '' for a good block.
create table {{ stage }}
(
    line_no UInt64,
    source String,
    location String,
    raw String,
    problem String,
    {{ typed_block_columns }}
)
engine = Memory
