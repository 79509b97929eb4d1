"""The original system's `block_stream` table, copied engine-side (INSERT ... SELECT, no rows in Python).

Layout (one row per block):

    block_height UInt32, block_hash String, block_timestamp UInt64 (Unix ms),
    events Nested(event_idx String, extrinsic_id String, module_id String, event_id String,
                  attributes String)

`event_idx` and `extrinsic_id` are "{height}-{index}"; an event without an extrinsic id before the
block's first extrinsic event is taken as initialization, after it as finalization. The table
holds no extrinsics, so none are written. Attributes are already JSON text and are kept as they
are; a block with unreadable attributes or positions is quarantined whole.
"""

from __future__ import annotations

from collections.abc import Callable

from loader.landing import Landing, LineBatch, LoadSummary, sql
from loader.schema import checked_identifier

BATCH_BLOCKS = 50_000

_POSITION = r"'^[0-9]+-([0-9]{1,9})$'"
STAGE_FROM_TABLE = f"""
insert into {{stage}} (line_no, source, location, raw, problem, block_height, block_hash, block_time, extrinsics, events)
select
    line_no, {{source:String}}, concat({{source:String}}, ':', toString(block_height)),
    if(problem = '', '', formatRowNoNewline('JSONEachRow', block_height, block_hash, block_timestamp, `events.event_idx`,
        `events.extrinsic_id`, `events.module_id`, `events.event_id`, `events.attributes`)),
    problem, block_height, block_hash, fromUnixTimestamp64Milli(toInt64(block_timestamp), 'UTC'), [],
    if(problem = '', arrayMap(i -> (
        toUInt32(extract(`events.event_idx`[i], {_POSITION})),
        extrinsic_indexes[i],
        multiIf(isNotNull(extrinsic_indexes[i]), 'apply_extrinsic', first_extrinsic_event = 0 OR i < first_extrinsic_event,
            'initialization', 'finalization'),
        `events.module_id`[i], `events.event_id`[i], `events.attributes`[i]), arrayEnumerate(`events.event_idx`)), [])
from (
    select
        {{first_line:UInt64}} + rowNumberInAllBlocks() as line_no, block_height, block_hash, block_timestamp,
        `events.event_idx`, `events.extrinsic_id`, `events.module_id`, `events.event_id`, `events.attributes`,
        arrayMap(x -> if(match(x, {_POSITION}), toUInt32OrNull(extract(x, {_POSITION})), NULL), `events.extrinsic_id`) as extrinsic_indexes,
        arrayFirstIndex(x -> isNotNull(x), extrinsic_indexes) as first_extrinsic_event,
        multiIf(
            NOT match(block_hash, '^0x[0-9a-fA-F]+$'), 'block_hash is not a 0x-prefixed hex string',
            NOT arrayAll(x -> match(x, {_POSITION}), `events.event_idx`), 'an event_idx is not HEIGHT-INDEX',
            NOT arrayAll(x -> x = '' OR match(x, {_POSITION}), `events.extrinsic_id`), 'an extrinsic_id is not HEIGHT-INDEX',
            NOT arrayAll(x -> isValidJSON(x), `events.attributes`), 'an attributes value is not JSON text',
            NOT arrayAll(x -> match(x, '^[A-Za-z][A-Za-z0-9_]*$'), arrayConcat(`events.module_id`, `events.event_id`)),
                'a module_id or event_id is not a name',
            length(arrayDistinct(`events.event_idx`)) != length(`events.event_idx`), 'two events with the same event_idx',
            '') as problem
    from {{table}}
    where block_height between {{low:UInt32}} and {{high:UInt32}}
)
"""


def load_block_stream(landing: Landing, table: str, progress: Callable[[int], None] | None = None,
                      heights: tuple[int, int] | None = None) -> LoadSummary:
    """Copy the whole table, or only the rows of `heights` (low, high inclusive; `follow` uses it)."""
    qualified = qualified_table(table)
    summary = LoadSummary()
    if heights is None:
        if not landing.client.command(f"select count() from {qualified}"):
            return summary
        low, high = landing.client.query(f"select min(block_height), max(block_height) from {qualified}").result_rows[0]
    else:
        low, high = heights
    for start in range(int(low), int(high) + 1, BATCH_BLOCKS):
        end = min(start + BATCH_BLOCKS - 1, int(high))

        def fill(stage: str, start: int = start, end: int = end) -> None:
            landing.client.command(
                sql(STAGE_FROM_TABLE, stage=stage, table=qualified),
                parameters={"source": qualified, "first_line": start, "low": start, "high": end},
            )

        # A superseded duplicate row is quarantined by its location (table:height), without text.
        summary.add(landing.land(LineBatch(b"", qualified, start, fill=fill, text_of=lambda _line: "")))
        if progress:
            progress(end - start + 1)
    return summary


def qualified_table(table: str) -> str:
    """DB.TABLE, checked, for SQL text."""
    database, _, name = table.partition(".")
    if not name:
        raise ValueError(f"--from-table needs DB.TABLE, not {table!r}")
    return f"{checked_identifier(database)}.{checked_identifier(name)}"
