"""The engine's floor for landing NDJSON on this machine: what `bench_load --floor` runs beside the loader.

    .venv/bin/python -m bench.load_floor [--write-nothing] CHDB_PATH NETWORK FILE BATCH_BYTES

Everything the loader must do and this does not: no check of any field, no quarantine, no
look-up of blocks already loaded, no replacement, no bookkeeping rows. What it keeps is the least
any NDJSON loader into these raw tables does with ClickHouse as the parser: the same file cut into
the same batches (two files each, parsed side by side), each batch parsed once, and its rows
written to `events`, `extrinsics` and `blocks` in the same statement (a Null table whose three
materialized views fan the parsed blocks out, processed in parallel). Of the designs measured on
2026-12-05 this one was the fastest (README, "Loading blocks"). With --write-nothing the views
write to Null tables instead: the parse and the fan-out alone, what is left when even storing the
rows costs nothing (a small view counts the events and blocks parsed). Prints the JSON line
bench_load's loader child prints.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from loader.connection import connect
from loader.landing import TYPED_BLOCK_COLUMNS
from loader.ndjson import batches, open_stream
from loader.schema import checked_identifier, ensure_schema
from loader.staging import PARSED_BLOCK_SCHEMA, PARSED_SETTINGS
from loader.statements import part

DATABASE = "substrate_raw"

# The parsed blocks, typed; nothing is stored in the Null table itself.
_INCOMING = f"create table {{db}}.floor_incoming ({TYPED_BLOCK_COLUMNS}\n) engine = Null"
_FAN_OUT = {
    "events": """
        select {network} as network, block_height, block_hash, block_time, e.extrinsic_index as extrinsic_index,
            e.index as event_index, e.phase as phase, e.module_id as module_id, e.event_id as event_id,
            e.attributes as attributes, 'floor' as source, toUInt64(1) as load_id, now64(3, 'UTC') as loaded_at
        from {db}.floor_incoming array join events as e""",
    "extrinsics": """
        select {network} as network, block_height, block_hash, block_time, x.index as extrinsic_index,
            x.hash as extrinsic_hash, ifNull(x.signer, '') as signer, x.call_module as call_module,
            x.call_function as call_function, x.success as success, x.pays_fee as pays_fee, 'floor' as source,
            toUInt64(1) as load_id, now64(3, 'UTC') as loaded_at
        from {db}.floor_incoming array join extrinsics as x""",
    "blocks": """
        select {network} as network, block_height, block_hash, block_time,
            toUInt32(length(extrinsics)) as extrinsic_count, toUInt32(length(events)) as event_count,
            'floor' as source, toUInt64(1) as load_id, now64(3, 'UTC') as loaded_at
        from {db}.floor_incoming""",
}
# With --write-nothing: what was parsed, one row per batch.
_COUNTED = """
create materialized view {db}.floor_counted engine = SummingMergeTree order by tuple()
as select toUInt64(count()) as blocks, toUInt64(sum(length(events))) as events from {db}.floor_incoming
"""
# The loader's typed conversions (loader/sql/parts/typed_block.sql, stage_parsed.sql; a bare string attribute
# quoted again) without their checks.
_PARSE = f"""
insert into {{db}}.floor_incoming
select
    toUInt32OrZero(block_height),
    ifNull(block_hash, ''),
    fromUnixTimestamp64Milli(toInt64OrZero(block_timestamp), 'UTC'),
    arrayMap(x -> (toUInt32OrZero(x.index), ifNull(x.hash, ''), x.signer, ifNull(x.call_module, ''),
        ifNull(x.call_function, ''), x.success = 'true', if(isNull(x.pays_fee), NULL, x.pays_fee = 'true')), extrinsics),
    arrayMap(e -> (toUInt32OrZero(e.index), toUInt32OrNull(e.extrinsic_index), ifNull(e.phase, ''),
        ifNull(e.module_id, ''), ifNull(e.event_id, ''), {part("parsed_attributes")}), events)
from file({{path:String}}, 'JSONEachRow', '{PARSED_BLOCK_SCHEMA}')
"""
# The loader's parse settings, but inserted rows squashed into large parts as its inserts are.
_SETTINGS = {
    **{name: value for name, value in PARSED_SETTINGS.items() if not name.startswith("min_insert_block_size")},
    "optimize_on_insert": 0, "max_insert_threads": 2, "parallel_view_processing": 1,
}


def land_floor(chdb_path: str, network: str, source: Path, batch_bytes: int,
               write: bool = True) -> dict[str, float]:
    client = connect(chdb_path=chdb_path)
    db = checked_identifier(DATABASE)
    ensure_schema(client, db)
    client.command(_INCOMING.replace("{db}", db))
    for table, select in _FAN_OUT.items():
        select = select.replace("{db}", db).replace("{network}", f"'{checked_identifier(network)}'")
        target = f"{db}.{table}"
        if not write:
            target = f"{db}.floor_null_{table}"
            client.command(f"create table {target} as {db}.{table} engine = Null")
        client.command(f"create materialized view {db}.floor_{table} to {target} as {select}")
    if not write:
        client.command(_COUNTED.replace("{db}", db))
    started, cpu_started = time.perf_counter(), _cpu()
    with open_stream(source) as stream:
        for batch in batches(stream, str(source), batch_bytes, to_files=True):
            assert batch.file is not None
            try:
                client.command(_PARSE.replace("{db}", db), parameters={"path": batch.file.glob}, settings=_SETTINGS)
            finally:
                batch.file.remove()
    seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu_started
    counts = (f"select (select count() from {db}.events), (select count() from {db}.blocks)" if write
              else f"select sum(events), sum(blocks) from {db}.floor_counted")
    events, blocks = client.query(counts).result_rows[0]
    client.close()
    return {"events": events, "blocks": blocks, "seconds": seconds, "cpu": cpu_seconds, "quarantined": 0}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    write_nothing = "--write-nothing" in sys.argv
    chdb, network_name, path, size = [arg for arg in sys.argv[1:] if arg != "--write-nothing"]
    print(json.dumps(land_floor(chdb, network_name, Path(path), int(size), write=not write_nothing)))
