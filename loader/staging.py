"""Staging a batch: its lines parsed and checked by the engine into the batch's staging table.

On chDB a batch is first tried on the parsed path (loader/sql/stage_parsed.sql: the engine reads
the batch files with a typed schema), else read line by line (stage_lines.sql). On a server the
lines are numbered in Python and inserted as data. Lines that may hold numbers or bare strings
the engine would re-spell are staged again through the exact path (loader/exact_json.py).
"""

from __future__ import annotations

from typing import Any

from clickhouse_connect.driver.exceptions import DatabaseError

from loader.batch import LineBatch, number_lines, tsv_row
from loader.batch_files import BatchFiles, temp_file, write_batch_files
from loader.exact_json import AMBIGUOUS_ATTRIBUTE, NEEDS_EXACT_PATH, PATTERNS, exact_line
from loader.statements import part, statement

# The schema the parsed path reads NDJSON with: the raw tuple's fields, without the exact path's.
PARSED_BLOCK_SCHEMA = (part("raw_block_tuple").removeprefix("Tuple(").removesuffix(")")
                       .replace(", attributes_text Nullable(String))", ")"))
NOT_ONE_OBJECT_PER_LINE = "~line"  # as written in stage_parsed.sql

JSON_SETTINGS = {"allow_simdjson": 1, "max_block_size": 4096, "min_insert_block_size_rows": 0,
                 "min_insert_block_size_bytes": 0}
# Objects, arrays, numbers and booleans read as their text as written. A batch is two files
# (BatchFiles) parsed by one thread each: the engine's own parallel parsing of one JSONEachRow file
# scans the JSON to find row ends and costs more CPU than it saves time.
PARSED_SETTINGS = {
    **JSON_SETTINGS, "input_format_json_read_objects_as_strings": 1, "input_format_json_read_arrays_as_strings": 1,
    "input_format_json_read_numbers_as_strings": 1, "input_format_json_read_bools_as_strings": 1,
    "input_format_skip_unknown_fields": 1, "input_format_parallel_parsing": 0, "max_threads": 2,
}


def stage_batch(client: Any, batch: LineBatch, stage: str, embedded: bool) -> None:
    """Fill the staging table `stage` with the batch's lines, each checked, with its problem named."""
    _fill(client, batch, stage, embedded)
    _take_exact_path(client, batch, stage, embedded)


def _fill(client: Any, batch: LineBatch, stage: str, embedded: bool) -> None:
    if batch.fill:
        batch.fill(stage)
        return
    if batch.numbered:
        _stage_rows(client, stage, batch.payload, embedded)
        return
    if not embedded:
        numbered = LineBatch(number_lines(batch.payload, batch.source, batch.first_line), batch.source, numbered=True)
        _fill(client, numbered, stage, embedded)
        return
    files = batch.file or write_batch_files(batch.payload)
    try:
        if not _stage_parsed(client, batch, stage, files):
            _stage_lines(client, batch, stage, files)
    finally:
        if files is not batch.file:
            files.remove()


def _stage_parsed(client: Any, batch: LineBatch, stage: str, files: BatchFiles) -> bool:
    """The parsed path; False, with the stage emptied, if the batch must be read line by line: the
    parser fails, or a line is not one object (one parsed row per line)."""
    lines = batch.line_count or batch.payload.count(b"\n")
    try:
        client.command(
            statement("stage_parsed", stage=stage, parsed_block_schema=PARSED_BLOCK_SCHEMA),
            settings=PARSED_SETTINGS,
            parameters={"path": files.glob, "second_first": files.second_first, "source": batch.source,
                        "first_line": batch.first_line, "ambiguous": AMBIGUOUS_ATTRIBUTE})
        staged, misread = client.query(f"select count(), countIf(problem = '{NOT_ONE_OBJECT_PER_LINE}') "
                                       f"from {stage}").result_rows[0]
        if staged == lines and misread == 0:
            return True
    except DatabaseError:
        pass  # a line the parser rejects: stage_lines.sql names it
    client.command(f"truncate table {stage}")
    return False


def _stage_lines(client: Any, batch: LineBatch, stage: str, files: BatchFiles) -> None:
    client.command(
        statement("stage_lines", stage=stage, relation=part("lines_of_batch_files")),
        parameters={**PATTERNS, "first_line": batch.first_line, "source": batch.source, "path": files.glob,
                    "second_first": files.second_first},
        settings=JSON_SETTINGS)


def _stage_rows(client: Any, stage: str, payload: bytes, embedded: bool) -> None:
    """Stage numbered TabSeparated rows: from a file chDB reads, or, on a server, from a lines
    table filled by a plain insert (clickhouse-connect raw_insert: the rows are data, not SQL)."""
    if embedded:
        with temp_file(payload) as path:
            client.command(statement("stage_lines", stage=stage, relation=part("lines_of_tsv_file")),
                           parameters={**PATTERNS, "path": path}, settings=JSON_SETTINGS)
        return
    lines = stage.replace("loader_stage_", "loader_lines_")
    columns = "line_no, source, location, line, original, exact"
    client.command(statement("lines_table", lines=lines))
    try:
        client.raw_insert(lines, [c.strip() for c in columns.split(",")], payload, fmt="TabSeparated")
        client.command(statement("stage_lines", stage=stage, relation=f"(select {columns} from {lines})"),
                       parameters=dict(PATTERNS), settings=JSON_SETTINGS)
    finally:
        client.command(f"drop table if exists {lines}")


def _take_exact_path(client: Any, batch: LineBatch, stage: str, embedded: bool) -> None:
    rows = client.query(
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
    _stage_rows(client, stage, "".join(out).encode(), embedded)
