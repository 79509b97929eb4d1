"""Shared landing logic: stage a batch, validate it, skip/replace/commit blocks, quarantine the rest.

Every input format ends up as rows of one per-batch staging table (one row per block, parsed and
checked by ClickHouse); from there the same statements write `events`, `extrinsics`, `blocks`
(last: the commit marker), `block_replacements` and `quarantine`. Values reach ClickHouse as query
parameters or as data, never inside SQL text; identifiers pass `checked_identifier`.

One writer at a time per raw database: load ids are allocated as max + 1, and a batch without a
'committed' row in `loads` is taken for an interrupted one and cleaned. So a Landing takes the
database's writer lock (loader/lock.py) when it is made, before it reads the last load id, and
holds it until `close()`: use it as a context manager (`with Landing(...) as landing:`), which also
releases the lock when a load fails or is interrupted. A second Landing of the same database
meanwhile raises `LoaderLocked` naming the holder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.exceptions import DatabaseError

from loader.connection import is_embedded
from loader.lock import LoaderLock
from loader.schema import checked_identifier, ensure_schema

# ClickHouse re-serializes JSON it parses: whitespace goes, integers keep every digit (beyond 64
# bits they come back as quoted digit strings), but non-integer and negative numbers may change
# spelling (1.50 -> 1.5, 1e3 -> 1000) and a bare string attribute cannot be told from a number.
# Lines that could hold such values take the exact path (`exact_line`): Python re-writes each
# event's attributes as a JSON string `attributes_text` holding the text as written.
# NUMBER_PATTERN finds any number that is not a plain non-negative integer: a '-' sign, a fraction or
# an exponent (1e3 has neither '.' nor '-', so no cheaper substring precheck can stand in for it).
# It scans every line read line by line: about 0.4 CPU-s more per million events (README).
NUMBER_PATTERN = r"[:,\[]\s*(-|[0-9]+[.eE])"
BARE_STRING_PATTERN = r'"attributes"\s*:\s*"([^"\\]*\\|[\s\[{]|(-?[0-9][0-9.eE+-]*|true|false|null)")'
PATTERNS = {"number_pattern": NUMBER_PATTERN, "bare_string_pattern": BARE_STRING_PATTERN}
NEEDS_EXACT_PATH = "~exact"
LINE_COLUMNS = "line_no UInt64, source String, location String, line String, original String, exact UInt8"

_RAW_TUPLE = (
    "Tuple(block_height Nullable(String), block_hash Nullable(String), block_timestamp Nullable(String), "
    "extrinsics Array(Tuple(index Nullable(String), hash Nullable(String), signer Nullable(String), "
    "call_module Nullable(String), call_function Nullable(String), success Nullable(String), pays_fee Nullable(String))), "
    "events Array(Tuple(index Nullable(String), extrinsic_index Nullable(String), phase Nullable(String), "
    "module_id Nullable(String), event_id Nullable(String), attributes Nullable(String), attributes_text Nullable(String))))"
)

# A parsed block, typed as the raw tables want it (also bench/load_floor.py's input).
TYPED_BLOCK_COLUMNS = """
    block_height UInt32,
    block_hash String,
    block_time DateTime64(3, 'UTC'),
    extrinsics Array(Tuple(index UInt32, hash String, signer Nullable(String), call_module String,
                           call_function String, success Bool, pays_fee Nullable(Bool))),
    events Array(Tuple(index UInt32, extrinsic_index Nullable(UInt32), phase String, module_id String,
                       event_id String, attributes String))"""
STAGE_DDL = f"""
create table {{stage}}
(
    line_no UInt64,
    source String,
    location String,
    raw String,
    problem String,{TYPED_BLOCK_COLUMNS}
)
engine = Memory
"""

_UINT32 = "'^[0-9]{1,10}$'"
_IDENT = "'^[A-Za-z][A-Za-z0-9_]*$'"
_EVENT_OK = r"""match(concat(ifNull(e.index, '\0'), '|', ifNull(e.extrinsic_index, 'N'), '|', ifNull(e.phase, '\0'), '|',
        ifNull(e.module_id, '\0'), '|', ifNull(e.event_id, '\0')),
    '^[0-9]{1,9}\\|(N|[0-9]{1,9})\\|(initialization|apply_extrinsic|finalization)\\|[A-Za-z][A-Za-z0-9_]*\\|[A-Za-z][A-Za-z0-9_]*$')
    AND (e.phase = 'apply_extrinsic') = isNotNull(e.extrinsic_index)"""
_EXTRINSIC_OK = r"""match(concat(ifNull(x.index, '\0'), '|', ifNull(x.hash, '0x'), '|', ifNull(x.call_module, '\0'), '|',
        ifNull(x.call_function, '\0'), '|', ifNull(x.success, '\0'), '|', ifNull(x.pays_fee, 'N')),
    '^[0-9]{1,9}\\|0x[0-9a-fA-F]*\\|[A-Za-z][A-Za-z0-9_]*\\|[A-Za-z][A-Za-z0-9_]*\\|(true|false)\\|(true|false|N)$')"""
_EVENT_PROBLEM = f"""multiIf(
    isNull(e.index), 'index missing',
    NOT match(e.index, {_UINT32}) OR toUInt64OrZero(e.index) > 4294967295, concat('index is not an unsigned integer: ', left(e.index, 60)),
    isNotNull(e.extrinsic_index) AND (NOT match(e.extrinsic_index, {_UINT32}) OR toUInt64OrZero(e.extrinsic_index) > 4294967295),
        concat('extrinsic_index is not an unsigned integer or null: ', left(e.extrinsic_index, 60)),
    isNull(e.phase), 'phase missing',
    e.phase NOT IN ('initialization', 'apply_extrinsic', 'finalization'),
        concat('phase is not initialization, apply_extrinsic or finalization: ', left(e.phase, 60)),
    (e.phase = 'apply_extrinsic') != isNotNull(e.extrinsic_index), 'extrinsic_index must be set in phase apply_extrinsic and only there',
    isNull(e.module_id), 'module_id missing',
    NOT match(e.module_id, {_IDENT}), concat('module_id is not a name: ', left(e.module_id, 60)),
    isNull(e.event_id), 'event_id missing',
    NOT match(e.event_id, {_IDENT}), concat('event_id is not a name: ', left(e.event_id, 60)),
    '')"""
_EXTRINSIC_PROBLEM = f"""multiIf(
    isNull(x.index), 'index missing',
    NOT match(x.index, {_UINT32}) OR toUInt64OrZero(x.index) > 4294967295, concat('index is not an unsigned integer: ', left(x.index, 60)),
    isNotNull(x.hash) AND NOT match(x.hash, '^0x[0-9a-fA-F]*$'), 'hash is not a 0x-prefixed hex string or null',
    isNull(x.call_module) OR NOT match(x.call_module, {_IDENT}), 'call_module missing or not a name',
    isNull(x.call_function) OR NOT match(x.call_function, {_IDENT}), 'call_function missing or not a name',
    isNull(x.success) OR x.success NOT IN ('true', 'false'), 'success missing or not a boolean',
    isNotNull(x.pays_fee) AND x.pays_fee NOT IN ('true', 'false'), 'pays_fee is not a boolean or null',
    '')"""
# Objects, arrays, numbers and booleans come back as JSON text; a bare string comes back unquoted.
_ATTRIBUTES = """multiIf(
    isNotNull(e.attributes_text), e.attributes_text,
    isNull(e.attributes), 'null',
    match(e.attributes, '^([\\\\[{]|-?[0-9]+(\\\\.[0-9]+)?([eE][-+]?[0-9]+)?$|true$|false$)'), e.attributes,
    toJSONString(e.attributes))"""

# The typed block columns from the tuple of texts `p` (both fills).
_TYPED_BLOCK = """toUInt32OrZero(p.block_height),
    ifNull(p.block_hash, ''),
    fromUnixTimestamp64Milli(toInt64OrZero(p.block_timestamp), 'UTC'),
    if(problem = '', arrayMap(x -> (toUInt32OrZero(x.index), ifNull(x.hash, ''), x.signer, ifNull(x.call_module, ''),
        ifNull(x.call_function, ''), x.success = 'true', if(isNull(x.pays_fee), NULL, x.pays_fee = 'true')), p.extrinsics), [])"""

# A line's number within its batch (from 0), read by file() over BatchFiles' two files: 1.ndjson
# starts `second_first` lines after 0.ndjson.
_ROW_IN_BATCH = "toUInt64(_row_number) + if(_file = '1.ndjson', {second_first:UInt64}, 0)"

# Parse each line once (JSONExtract into a tuple of texts), name the first problem, type the rest.
STAGE_FILL = f"""
insert into {{stage}} (line_no, source, location, raw, problem, block_height, block_hash, block_time, extrinsics, events)
select
    line_no, source, location,
    if(problem = '', '', if(original = '', line, original)),
    problem,
    {_TYPED_BLOCK},
    if(problem = '', arrayMap(e -> (toUInt32OrZero(e.index), toUInt32OrNull(e.extrinsic_index), ifNull(e.phase, ''),
        ifNull(e.module_id, ''), ifNull(e.event_id, ''), {_ATTRIBUTES}), p.events), [])
from (
    select
        line_no, source, location, line, original, p,
        multiIf(
            NOT (isNotNull(p.block_height) OR isValidJSON(line)), 'invalid JSON (truncated or malformed line)',
            NOT match(line, '^[ \\t\\r]*[{{]'), concat('not a block: a JSON ', JSONType(line), ' instead of an object'),
            isNull(p.block_height), 'block_height missing',
            NOT match(p.block_height, {_UINT32}) OR toUInt64OrZero(p.block_height) > 4294967295,
                concat('block_height is not an unsigned 32-bit integer: ', left(p.block_height, 60)),
            isNull(p.block_hash), 'block_hash missing',
            NOT match(p.block_hash, '^0x[0-9a-fA-F]+$'), concat('block_hash is not a 0x-prefixed hex string: ', left(p.block_hash, 80)),
            isNull(p.block_timestamp), 'block_timestamp missing',
            NOT match(p.block_timestamp, '^[0-9]{{1,15}}$'), concat('block_timestamp is not Unix milliseconds: ', left(p.block_timestamp, 60)),
            empty(p.events) AND NOT JSONHas(line, 'events'), 'events missing',
            empty(p.events) AND JSONType(line, 'events') != 'Array', concat('events is not an array but ', JSONType(line, 'events')),
            empty(p.events) AND JSONLength(line, 'events') > 0, 'events holds items that are not objects',
            empty(p.extrinsics) AND JSONType(line, 'extrinsics') NOT IN ('Array', 'Null'),
                concat('extrinsics is not an array but ', JSONType(line, 'extrinsics')),
            empty(p.extrinsics) AND JSONLength(line, 'extrinsics') > 0, 'extrinsics holds items that are not objects',
            event_bad > 0, concat('events[', toString(event_bad - 1), ']: ', event_problems[event_bad]),
            extrinsic_bad > 0, concat('extrinsics[', toString(extrinsic_bad - 1), ']: ', extrinsic_problems[extrinsic_bad]),
            length(arrayDistinct(arrayMap(e -> e.index, p.events))) != length(p.events), 'two events with the same index',
            length(arrayDistinct(arrayMap(x -> x.index, p.extrinsics))) != length(p.extrinsics), 'two extrinsics with the same index',
            exact = 0 AND (match(line, {{number_pattern:String}}) OR match(line, {{bare_string_pattern:String}})),
                '{NEEDS_EXACT_PATH}',
            '') as problem,
        -- One regex per item tells the good ones; only a block failing it gets its problems named.
        if(arrayAll(e -> {_EVENT_OK}, p.events), [], arrayMap(e -> {_EVENT_PROBLEM}, p.events)) as event_problems,
        arrayFirstIndex(m -> m != '', event_problems) as event_bad,
        if(arrayAll(x -> {_EXTRINSIC_OK}, p.extrinsics), [], arrayMap(x -> {_EXTRINSIC_PROBLEM}, p.extrinsics)) as extrinsic_problems,
        arrayFirstIndex(m -> m != '', extrinsic_problems) as extrinsic_bad
    from (
        select line_no, source, location, line, original, exact, JSONExtract(line, '{_RAW_TUPLE}') as p
        from {{relation}}
        where match(line, '[^ \\t\\r]')
    )
)
"""

# Parsed path, tried first on every NDJSON batch: the engine parses the file with a typed schema
# (JSONEachRow) and keeps each object, array and number as its text as written, so `attributes` is
# the decoder's own text and no line needs JSONExtract. A second read of the file as lines checks
# that each line is one `{...}` (so parsed row n is line n) and finds ambiguous bare attributes.
# A line this path cannot vouch for (a check fails, no events, an ambiguous attribute) is flagged
# '~exact' and re-staged through STAGE_FILL with its text, which names its problem; a batch the
# parser rejects or that is not one object per line ('~line') is staged again whole by STAGE_FILL.
_PARSED_SCHEMA = _RAW_TUPLE.removeprefix("Tuple(").removesuffix(")").replace(", attributes_text Nullable(String))", ")")
# A bare attribute the parsed path cannot render from its unquoted text: a string that could pass
# for another JSON value, starts with whitespace, '[' or '{', or holds an escape; a bare number or
# boolean. Unambiguous bare strings (account ids) get their quotes back.
AMBIGUOUS_ATTRIBUTE = r'"attributes"\s*:\s*(?:"(?:[^"\\]*\\|[\s\[{]|(?:-?[0-9][0-9.eE+-]*|true|false|null)")|[^"{\[n\s])'
NOT_ONE_OBJECT_PER_LINE = "~line"
_PARSED_ATTRIBUTES = """multiIf(isNull(e.attributes), 'null',
    match(e.attributes, '^[\\\\[{]'), e.attributes,
    concat('"', e.attributes, '"'))"""
PARSED_FILL = f"""
insert into {{stage}} (line_no, source, location, raw, problem, block_height, block_hash, block_time, extrinsics, events)
select
    line_no, {{source:String}}, concat({{source:String}}, ':', toString(line_no)), '', problem,
    {_TYPED_BLOCK},
    if(problem = '', arrayMap((e, a) -> (toUInt32OrZero(e.index), toUInt32OrNull(e.extrinsic_index), ifNull(e.phase, ''),
        ifNull(e.module_id, ''), ifNull(e.event_id, ''), a), p.events, attributes), [])
from (
    select
        row + {{first_line:UInt64}} as line_no, p, arrayMap(e -> {_PARSED_ATTRIBUTES}, p.events) as attributes,
        multiIf(
            NOT one_object, '{NOT_ONE_OBJECT_PER_LINE}',
            match(p.block_height, {_UINT32}) AND toUInt64OrZero(p.block_height) <= 4294967295
                AND match(p.block_hash, '^0x[0-9a-fA-F]+$') AND match(p.block_timestamp, '^[0-9]{{1,15}}$')
                AND notEmpty(p.events) AND NOT ambiguous
                AND arrayAll(e -> {_EVENT_OK}, p.events) AND arrayAll(x -> {_EXTRINSIC_OK}, p.extrinsics)
                AND length(arrayDistinct(arrayMap(e -> e.index, p.events))) = length(p.events)
                AND length(arrayDistinct(arrayMap(x -> x.index, p.extrinsics))) = length(p.extrinsics)
                AND arrayAll(a -> isValidJSON(a), attributes), '',
            '{NEEDS_EXACT_PATH}') as problem
    from (
        select {_ROW_IN_BATCH} as row,
            tuple(block_height, block_hash, block_timestamp, extrinsics, events)::Tuple({_PARSED_SCHEMA}) as p
        from file({{path:String}}, 'JSONEachRow', '{_PARSED_SCHEMA}')
    ) as parsed
    left join (
        select {_ROW_IN_BATCH} as row, startsWith(line, '{{') AND match(line, '}}\\r?$') as one_object,
            match(line, {{ambiguous:String}}) as ambiguous
        from file({{path:String}}, 'LineAsString', 'line String')
    ) as lines using (row)
)
settings join_use_nulls = 0
"""

# The block version each height gets: the last readable line of the batch for that height.
PLAN_FILL = """
insert into {plan} (block_height, line_no, block_hash, old_block_hash, old_load_id)
with
    winners as (
        select block_height, max(line_no) as last_line_no from {stage} where problem = '' group by block_height
    ),
    committed as (
        select block_height, argMax(block_hash, load_id) as committed_hash, max(load_id) as committed_load_id
        from {db}.blocks
        where network = {network:String} and block_height between {low:UInt32} and {high:UInt32}
        group by block_height
    )
select s.block_height, s.line_no, s.block_hash, c.committed_hash, c.committed_load_id
from {stage} as s
inner join winners as w on s.block_height = w.block_height and s.line_no = w.last_line_no
left join committed as c on s.block_height = c.block_height
where s.problem = '' and s.block_hash != c.committed_hash
settings join_use_nulls = 0
"""

INSERT_EVENTS = """
insert into {db}.events (network, block_height, block_hash, block_time, extrinsic_index, event_index, phase,
    module_id, event_id, attributes, source, load_id, loaded_at)
select {network:String}, s.block_height, s.block_hash, s.block_time, e.extrinsic_index, e.index, e.phase,
    e.module_id, e.event_id, e.attributes, s.source, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {stage} as s array join s.events as e
where s.problem = '' and s.line_no in (select line_no from {plan})
"""

INSERT_EXTRINSICS = """
insert into {db}.extrinsics (network, block_height, block_hash, block_time, extrinsic_index, extrinsic_hash, signer,
    call_module, call_function, success, pays_fee, source, load_id, loaded_at)
select {network:String}, s.block_height, s.block_hash, s.block_time, x.index, x.hash, ifNull(x.signer, ''),
    x.call_module, x.call_function, x.success, x.pays_fee, s.source, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {stage} as s array join s.extrinsics as x
where s.problem = '' and s.line_no in (select line_no from {plan})
"""

INSERT_BLOCKS = """
insert into {db}.blocks (network, block_height, block_hash, block_time, extrinsic_count, event_count, source, load_id, loaded_at)
select {network:String}, block_height, block_hash, block_time, length(extrinsics), length(events), source,
    {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {stage}
where problem = '' and line_no in (select line_no from {plan})
"""

INSERT_REPLACEMENTS = """
insert into {db}.block_replacements (network, block_height, old_block_hash, new_block_hash, old_load_id, new_load_id, replaced_at)
select {network:String}, block_height, old_block_hash, block_hash, old_load_id, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {plan}
where old_block_hash != ''
"""

# A record already quarantined by an earlier load of the same input is not written twice.
INSERT_QUARANTINE = """
insert into {db}.quarantine (network, source, location, raw_text, reason, load_id, quarantined_at)
select {network:String}, source, location, raw, problem, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {stage}
where problem not in ('', '~exact')
    and (source, location, cityHash64(raw)) not in (
        select source, location, cityHash64(raw_text) from {db}.quarantine
        where network = {network:String} and source in (select distinct source from {stage})
    )
"""

# Blocks of a few thousand rows keep memory bounded with long lines; the loader never inserts two
# rows with one key, so merging them on insert (optimize_on_insert) would be wasted work.
_FAST_INSERT = {"optimize_on_insert": 0, "max_insert_threads": 2, "max_block_size": 8192}
_JSON_SETTINGS = {"allow_simdjson": 1, "max_block_size": 4096, "min_insert_block_size_rows": 0, "min_insert_block_size_bytes": 0}
# Objects, arrays, numbers and booleans read as their text as written. A batch is two files
# (BatchFiles), parsed by one thread each: the engine's parallel parsing of one JSONEachRow file
# has to scan the JSON to find row ends and cost more CPU than it saved time.
_PARSED_SETTINGS = {
    **_JSON_SETTINGS, "input_format_json_read_objects_as_strings": 1, "input_format_json_read_arrays_as_strings": 1,
    "input_format_json_read_numbers_as_strings": 1, "input_format_json_read_bools_as_strings": 1,
    "input_format_skip_unknown_fields": 1, "input_format_parallel_parsing": 0, "max_threads": 2,
}


@dataclass
class LoadSummary:
    """What one or more batches did; `add` merges batches."""

    blocks: int = 0  # landed: new blocks plus replaced ones
    extrinsics: int = 0
    events: int = 0
    skipped: int = 0  # already loaded with the same hash, or repeated in the input
    replaced: int = 0
    quarantined: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    load_ids: list[int] = field(default_factory=list)

    def add(self, other: LoadSummary) -> None:
        for name in ("blocks", "extrinsics", "events", "skipped", "replaced", "quarantined", "bytes_read", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.load_ids.extend(other.load_ids)

    def line(self) -> str:
        rate = self.events / self.seconds if self.seconds else 0.0
        return (
            f"{self.blocks} blocks, {self.extrinsics} extrinsics, {self.events} events loaded; "
            f"{self.skipped} skipped (already loaded), {self.replaced} replaced (hash changed), "
            f"{self.quarantined} quarantined; {self.seconds:.1f} s, {rate:,.0f} events/s"
        )


@dataclass
class LineBatch:
    """Lines to stage. `payload` is raw NDJSON (`numbered` False, chDB only: the engine numbers
    the lines from `first_line`) or TabSeparated rows of LINE_COLUMNS (`numbered` True)."""

    payload: bytes
    source: str
    first_line: int = 1
    numbered: bool = False
    text_of: Callable[[int], str] | None = None  # a line's text by number (default: from payload)
    fill: Callable[[str], None] | None = None  # fills the stage itself (a table copied engine-side)
    file: BatchFiles | None = None  # temporary files holding the lines (chDB), removed after landing
    size: int = 0  # bytes of input the batch stands for
    line_count: int = 0  # lines in the batch, when known
    _lines: list[bytes] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.size = self.size or len(self.payload)

    def line_text(self, line_no: int) -> str:
        if self.text_of:
            return self.text_of(line_no)
        if self._lines is None:
            self._lines = (self.file.read() if self.file else self.payload).split(b"\n")
        return self._lines[line_no - self.first_line].decode("utf-8", "replace")


class Landing:
    """Lands batches of one network into the raw database through `client`, holding the database's
    writer lock from construction until `close()` (or the end of its `with` block)."""

    def __init__(self, client: Any, network: str, database: str):
        self.client = client
        self.network = network
        self.db = checked_identifier(database)
        self.embedded = is_embedded(client)
        ensure_schema(client, self.db)
        self.lock = LoaderLock(client, self.db)
        self.lock.acquire()
        try:
            self._next_load_id = self._max_load_id() + 1
            self.cleanup_interrupted()
        except BaseException:
            self.lock.release()
            raise

    def __enter__(self) -> Landing:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.lock.__exit__(*exc)

    def close(self) -> None:
        """Give the writer lock back (a closed Landing must not land again)."""
        self.lock.release()

    # ----- bookkeeping ---------------------------------------------------------------------

    def _max_load_id(self) -> int:
        return int(self.client.command(
            f"select greatest((select max(load_id) from {self.db}.loads), (select max(load_id) from {self.db}.blocks))"
        ))

    def allocate_load_id(self) -> int:
        load_id, self._next_load_id = self._next_load_id, self._next_load_id + 1
        return load_id

    def _record(self, load_id: int, source: str, status: str, summary: LoadSummary | None = None) -> None:
        s = summary or LoadSummary()
        self.client.command(
            f"insert into {self.db}.loads (load_id, network, source, status, blocks, extrinsics, events, skipped, replaced, "
            "quarantined, recorded_at) values ({load_id:UInt64}, {network:String}, {source:String}, {status:String}, "
            "{blocks:UInt64}, {extrinsics:UInt64}, {events:UInt64}, {skipped:UInt64}, {replaced:UInt64}, "
            "{quarantined:UInt64}, now64(3, 'UTC'))",
            parameters={"load_id": load_id, "network": self.network, "source": source, "status": status,
                        "blocks": s.blocks, "extrinsics": s.extrinsics, "events": s.events, "skipped": s.skipped,
                        "replaced": s.replaced, "quarantined": s.quarantined},
        )

    def cleanup_interrupted(self) -> list[int]:
        """Finish what an interrupted batch left: commit it if its blocks rows exist, else delete its rows."""
        rows = self.client.query(
            f"select load_id, any(source), load_id in (select load_id from {self.db}.blocks where network = {{network:String}}) "
            f"from {self.db}.loads where network = {{network:String}} group by load_id "
            "having countIf(status in ('committed', 'cleaned')) = 0",
            parameters={"network": self.network},
        ).result_rows
        cleaned = []
        for load_id, source, committed_blocks in rows:
            for kind in ("stage", "plan", "lines"):  # a server keeps an interrupted batch's work tables
                self.client.command(f"drop table if exists {self.db}.loader_{kind}_{int(load_id)}")
            if committed_blocks:
                self._record(load_id, source, "committed")
                continue
            for table in ("events", "extrinsics", "quarantine"):
                self._delete(table, "load_id = {load_id:UInt64}", {"load_id": load_id})
            self._record(load_id, source, "cleaned")
            cleaned.append(load_id)
        return cleaned

    def _delete(self, table: str, condition: str, parameters: dict[str, Any]) -> None:
        self.client.command(
            f"delete from {self.db}.{checked_identifier(table)} where network = {{network:String}} and {condition}",
            parameters={"network": self.network, **parameters},
            settings={"lightweight_deletes_sync": 2},
        )

    # ----- landing one batch ---------------------------------------------------------------

    def land(self, batch: LineBatch) -> LoadSummary:
        started = time.perf_counter()
        load_id = self.allocate_load_id()
        self._record(load_id, batch.source, "started")
        stage = f"{self.db}.loader_stage_{load_id}"
        plan = f"{self.db}.loader_plan_{load_id}"
        self.client.command(sql(STAGE_DDL, stage=stage))
        self.client.command(
            f"create table {plan} (block_height UInt32, line_no UInt64, block_hash String, old_block_hash String, "
            "old_load_id UInt64) engine = Memory"
        )
        try:
            self._stage(batch, stage)
            self._take_exact_path(batch, stage)
            summary = self._commit(batch, stage, plan, load_id)
        finally:
            self.client.command(f"drop table if exists {stage}")
            self.client.command(f"drop table if exists {plan}")
            if batch.file:
                batch.file.remove()
        summary.bytes_read = batch.size
        summary.seconds = time.perf_counter() - started
        summary.load_ids.append(load_id)
        self._record(load_id, batch.source, "committed", summary)
        return summary

    def _stage(self, batch: LineBatch, stage: str) -> None:
        if batch.fill:
            batch.fill(stage)
            return
        if batch.numbered:
            self._stage_rows(stage, batch.payload)
            return
        if not self.embedded:
            self._stage(LineBatch(number_lines(batch.payload, batch.source, batch.first_line), batch.source, numbered=True), stage)
            return
        files = batch.file or write_batch_files(batch.payload)
        try:
            if not self._stage_parsed(batch, stage, files):
                self._stage_lines(batch, stage, files)
        finally:
            if files is not batch.file:
                files.remove()

    def _stage_parsed(self, batch: LineBatch, stage: str, files: BatchFiles) -> bool:
        """The parsed path (PARSED_FILL); False, with the stage emptied, if the batch must be read
        line by line: the parser fails, or a line is not one object (one parsed row per line)."""
        lines = batch.line_count or batch.payload.count(b"\n")
        try:
            self.client.command(sql(PARSED_FILL, stage=stage), settings=_PARSED_SETTINGS, parameters={
                "path": files.glob, "second_first": files.second_first, "source": batch.source,
                "first_line": batch.first_line, "ambiguous": AMBIGUOUS_ATTRIBUTE})
            staged, misread = self.client.query(f"select count(), countIf(problem = '{NOT_ONE_OBJECT_PER_LINE}') from {stage}").result_rows[0]
            if staged == lines and misread == 0:
                return True
        except DatabaseError:
            pass  # a line the parser rejects: STAGE_FILL names it
        self.client.command(f"truncate table {stage}")
        return False

    def _stage_lines(self, batch: LineBatch, stage: str, files: BatchFiles) -> None:
        relation = (
            f"(select {_ROW_IN_BATCH} + {{first_line:UInt64}} as line_no, "
            "{source:String} as source, "
            "concat({source:String}, ':', toString(line_no)) as location, line, '' as original, toUInt8(0) as exact "
            "from file({path:String}, 'LineAsString', 'line String'))"
        )
        parameters = {**PATTERNS, "first_line": batch.first_line, "source": batch.source, "path": files.glob,
                      "second_first": files.second_first}
        self.client.command(sql(STAGE_FILL, stage=stage, relation=relation), parameters=parameters, settings=_JSON_SETTINGS)

    def _stage_rows(self, stage: str, payload: bytes) -> None:
        """Stage pre-numbered TabSeparated rows: from a file chDB reads, or, on a server, from a lines
        table filled by a plain insert (clickhouse-connect raw_insert: the rows are data, not SQL)."""
        columns = "line_no, source, location, line, original, exact"
        if self.embedded:
            relation = f"(select {columns} from file({{path:String}}, 'TabSeparated', '{LINE_COLUMNS}'))"
            with _temp_file(payload) as path:
                self.client.command(sql(STAGE_FILL, stage=stage, relation=relation),
                                    parameters={**PATTERNS, "path": path}, settings=_JSON_SETTINGS)
            return
        lines = stage.replace("loader_stage_", "loader_lines_")
        self.client.command(f"create table {lines} ({LINE_COLUMNS}) engine = Memory")
        try:
            self.client.raw_insert(lines, [c.strip() for c in columns.split(",")], payload, fmt="TabSeparated")
            self.client.command(sql(STAGE_FILL, stage=stage, relation=f"(select {columns} from {lines})"),
                                parameters=dict(PATTERNS), settings=_JSON_SETTINGS)
        finally:
            self.client.command(f"drop table if exists {lines}")

    def _take_exact_path(self, batch: LineBatch, stage: str) -> None:
        rows = self.client.query(
            f"select line_no, source, location, raw from {stage} where problem = {{flag:String}}",
            parameters={"flag": NEEDS_EXACT_PATH},
        ).result_rows
        if not rows:
            return
        out = []
        for line_no, source, location, raw in rows:
            raw = raw or batch.line_text(line_no)  # the parsed path keeps no line text
            rewritten = exact_line(raw)
            # A line Python cannot read either stays as it is and is quarantined as invalid.
            out.append(tsv_row(line_no, source, location, rewritten or "{", raw, exact=True))
        self._stage_rows(stage, "".join(out).encode())

    def _commit(self, batch: LineBatch, stage: str, plan: str, load_id: int) -> LoadSummary:
        readable, low, high = self.client.query(
            f"select count(), min(block_height), max(block_height) from {stage} where problem = ''"
        ).result_rows[0]
        p = {"network": self.network, "load_id": load_id, "loaded_at": int(time.time() * 1000), "low": low, "high": high}
        names = {"db": self.db, "stage": stage, "plan": plan}
        self.client.command(sql(PLAN_FILL, **names), parameters=p)
        replaced_heights = [r[0] for r in self.client.query(f"select block_height from {plan} where old_block_hash != ''").result_rows]
        # New rows first (invisible to readers until their blocks row exists) ...
        self.client.command(sql(INSERT_EVENTS, **names), parameters=p, settings=_FAST_INSERT)
        self.client.command(sql(INSERT_EXTRINSICS, **names), parameters=p, settings=_FAST_INSERT)
        # ... then the old versions of changed blocks go, logged in block_replacements ...
        if replaced_heights:
            self.client.command(sql(INSERT_REPLACEMENTS, **names), parameters=p)
            for table in ("events", "extrinsics", "blocks"):
                self._delete(table, "has({heights:Array(UInt32)}, block_height) and load_id < {load_id:UInt64}",
                             {"heights": replaced_heights, "load_id": load_id})
        # ... and the blocks rows commit the new versions.
        self.client.command(sql(INSERT_BLOCKS, **names), parameters=p)
        self.client.command(sql(INSERT_QUARANTINE, **names), parameters=p)
        superseded = self._quarantine_superseded(batch, stage, load_id)
        counts = self.client.query(
            f"select count(), sum(length(events)), sum(length(extrinsics)) from {stage} where problem = '' and line_no in (select line_no from {plan})"
        ).result_rows[0]
        quarantined = int(self.client.command(f"select count() from {stage} where problem not in ('', {{flag:String}})",
                                              parameters={"flag": NEEDS_EXACT_PATH}))
        return LoadSummary(
            blocks=int(counts[0]), events=int(counts[1] or 0), extrinsics=int(counts[2] or 0),
            skipped=int(readable) - int(counts[0]) - superseded, replaced=len(replaced_heights),
            quarantined=quarantined + superseded,
        )

    def _quarantine_superseded(self, batch: LineBatch, stage: str, load_id: int) -> int:
        """Readable lines that lost to a later line of the batch with another hash for the same height."""
        rows = self.client.query(
            f"select s.line_no, s.source, s.location, s.block_height, w.block_hash, w.location from {stage} as s "
            f"inner join (select block_height, argMax(block_hash, line_no) as block_hash, argMax(location, line_no) as location "
            f"from {stage} where problem = '' group by block_height) as w on s.block_height = w.block_height "
            "where s.problem = '' and s.block_hash != w.block_hash order by s.line_no"
        ).result_rows
        return self.quarantine_texts(
            ((source, location, batch.line_text(line_no),
              f"block {height} appears again later in the input with hash {later_hash} ({later_location}); that later version was loaded")
             for line_no, source, location, height, later_hash, later_location in rows),
            load_id,
        )

    def quarantine_texts(self, rows: Iterable[tuple[str, str, str, str]], load_id: int | None = None) -> int:
        """Quarantine records read in Python (source, location, raw text, reason); returns how many
        there were (a record an earlier load of the same input already wrote is not written again)."""
        rows = list(rows)
        if not rows:
            return 0
        known = set(self.client.query(
            f"select source, location, cityHash64(raw_text) from {self.db}.quarantine "
            "where network = {network:String} and has({sources:Array(String)}, source)",
            parameters={"network": self.network, "sources": sorted({r[0] for r in rows})},
        ).result_rows)
        hashes = self.client.query("select arrayMap(t -> cityHash64(t), {texts:Array(String)})",
                                   parameters={"texts": [r[2] for r in rows]}).result_rows[0][0]
        new = [r for r, h in zip(rows, hashes, strict=True) if (r[0], r[1], h) not in known]
        if new:
            if load_id is None:  # records outside a batch get a load of their own, so ids stay unique
                load_id = self.allocate_load_id()
                self._record(load_id, new[0][0], "committed", LoadSummary(quarantined=len(new)))
            self.client.insert(
                f"{self.db}.quarantine",
                [(self.network, s, loc, raw, reason, load_id) for s, loc, raw, reason in new],
                column_names=["network", "source", "location", "raw_text", "reason", "load_id"],
            )
        return len(rows)


# ----- exact path and row encoding ---------------------------------------------------------------

_RAW_OPEN, _RAW_CLOSE = "\ue000", "\ue001"
_RAW_NUMBER = re.compile(f'"{_RAW_OPEN}([^{_RAW_CLOSE}]*){_RAW_CLOSE}"')
_UINT64_MAX = 2**64 - 1


def _raw_number(text: str) -> str:
    return f"{_RAW_OPEN}{text}{_RAW_CLOSE}"


def _raw_int(text: str) -> str:
    # Integers beyond 64 bits as quoted digit strings, as ClickHouse writes them on the fast path.
    return text if text.isdigit() and int(text) > _UINT64_MAX else _raw_number(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def dumps_exact(value: Any) -> str:
    """JSON text of a value read by `loads_exact`, every number spelled as in the input."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _RAW_NUMBER.sub(lambda m: m.group(1), text)


def loads_exact(text: str | bytes) -> Any:
    return json.loads(text, parse_float=_raw_number, parse_int=_raw_int, parse_constant=_reject_constant)


def exact_line(text: str) -> str | None:
    """The block line with each event's attributes moved to `attributes_text` (exact JSON text)."""
    try:
        block = loads_exact(text)
    except ValueError:
        return None
    if isinstance(block, dict) and isinstance(block.get("events"), list):
        for event in block["events"]:
            if isinstance(event, dict):
                event["attributes_text"] = dumps_exact(event.pop("attributes", None))
    return dumps_exact(block)


def sql(template: str, **names: str) -> str:
    """Fill the {db}/{stage}/{plan}/{relation} slots of a statement; query parameters stay."""
    for name, value in names.items():
        template = template.replace("{" + name + "}", value)
    return template


def _tsv(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def tsv_row(line_no: int, source: str, location: str, line: str, original: str, exact: bool) -> str:
    return f"{line_no}\t{_tsv(source)}\t{_tsv(location)}\t{_tsv(line)}\t{_tsv(original)}\t{int(exact)}\n"


def number_lines(payload: bytes, source: str, first_line: int) -> bytes:
    """Raw NDJSON lines as TabSeparated LINE_COLUMNS rows (for a server, which numbers nothing)."""
    escaped = payload.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\r", b"\\r")
    lines = escaped.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    src = _tsv(source).encode()
    return b"".join(
        b"%d\t%s\t%s:%d\t%s\t\t0\n" % (n, src, src, n, line) for n, line in enumerate(lines, first_line)
    )


@dataclass
class BatchFiles:
    """A batch's lines in two files of a temporary folder, 0.ndjson and 1.ndjson, split at a line
    end near the middle: the engine reads them in parallel, one per core."""

    folder: str
    second_first: int  # lines in 0.ndjson: the first line of 1.ndjson is this many lines further

    @property
    def glob(self) -> str:
        return os.path.join(self.folder, "*.ndjson")

    def read(self) -> bytes:
        return b"".join(path.read_bytes() for path in sorted(Path(self.folder).glob("*.ndjson")))

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def write_batch_files(payload: bytes) -> BatchFiles:
    """Lines already in memory (ending with a line end) in two files split at a line end near the middle."""
    folder = tempfile.mkdtemp(prefix="substrate-loader-")
    end = len(payload)
    middle = payload.find(b"\n", end // 2, end) + 1
    whole = not 0 < middle < end
    with open(os.path.join(folder, "0.ndjson"), "wb") as out:
        out.write(memoryview(payload)[:end if whole else middle])
    if not whole:
        with open(os.path.join(folder, "1.ndjson"), "wb") as out:
            out.write(memoryview(payload)[middle:])
    return BatchFiles(folder, payload.count(b"\n", 0, middle))


def write_temp_file(*pieces: bytes | memoryview) -> str:
    """A temporary file holding the pieces, for the embedded engine's file() to read."""
    handle, path = tempfile.mkstemp(prefix="substrate-loader-", suffix=".batch")
    with os.fdopen(handle, "wb") as out:
        for piece in pieces:
            out.write(piece)
    return path


class _temp_file:
    def __init__(self, payload: bytes):
        self.payload = payload
        self.path = ""

    def __enter__(self) -> str:
        self.path = write_temp_file(self.payload)
        return self.path

    def __exit__(self, *exc: object) -> None:
        Path(self.path).unlink(missing_ok=True)
