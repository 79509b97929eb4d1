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

from loader.batch import LineBatch, LoadSummary
from loader.landing import Landing
from loader.schema import checked_identifier
from loader.statements import statement

BATCH_BLOCKS = 50_000


def load_block_stream(landing: Landing, table: str, progress: Callable[[int], None] | None = None,
                      heights: tuple[int, int] | None = None) -> LoadSummary:
    """Copy the whole table, or only the rows of `heights` (low, high inclusive; `follow` uses it)."""
    qualified = qualified_table(table)
    if not landing.client.command(f"exists table {qualified}"):
        raise FileNotFoundError(f"{table}: no such table")
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
                statement("stage_block_stream", stage=stage, table=qualified),
                parameters={"source": qualified, "first_line": start, "low": start, "high": end},
            )

        # A superseded duplicate row is quarantined by its location (table:height), without text.
        summary.add(landing.land(LineBatch(b"", qualified, start, fill=fill, text_of=lambda _line: "",
                                             line_count=end - start + 1)))
        if progress:
            progress(end - start + 1)
    return summary


def qualified_table(table: str) -> str:
    """DB.TABLE, checked, for SQL text."""
    database, _, name = table.partition(".")
    if not name:
        raise ValueError(f"--from-table needs DB.TABLE, not {table!r}")
    return f"{checked_identifier(database)}.{checked_identifier(name)}"
