"""The loader's Python API (the CLI and `follow` use it): load files or a table, report status.

    client = connect()                      # or an existing clickhouse-connect client
    summary = load_files(client, "torus", [Path("blocks.ndjson.zst")])
    summary = load_table(client, "torus", "old_db.block_stream")
    summary = load_lines(client, "torus", ndjson_bytes, source="follow:ws://node")   # in-memory blocks
    summary = load_sidecar_responses(client, "polkadot", [(url, response_text), ...])
    rows = status(client)

Files: canonical NDJSON (.ndjson/.jsonl, optionally .gz/.zst); Sidecar block JSON (*.json files,
or folders of them). Each call holds the raw database's writer lock while it loads (loader/lock.py):
a second loader of the same database meanwhile fails with `LoaderLocked` naming the holder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from loader.batch import LineBatch, LoadSummary
from loader.block_stream import load_block_stream
from loader.connection import raw_database
from loader.landing import Landing
from loader.ndjson import DEFAULT_BATCH_BYTES, load_ndjson_file
from loader.networks import get_network
from loader.schema import checked_identifier, ensure_schema
from loader.sidecar import load_sidecar, load_sidecar_texts
from loader.statements import statement

Progress = Callable[[int], None]


def is_sidecar(path: Path) -> bool:
    return path.is_dir() or path.suffix == ".json"


def load_files(client: Any, network: str, paths: Sequence[Path | str], database: str | None = None,
               batch_bytes: int = DEFAULT_BATCH_BYTES, progress: Progress | None = None) -> LoadSummary:
    """Land the files in order; a later file's version of a block replaces an earlier one's."""
    get_network(network)  # an unknown network fails before anything is read or written
    files = [Path(p) for p in paths]
    for path in files:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
    summary = LoadSummary()
    with Landing(client, network, database or raw_database()) as landing:
        for path in files:
            if is_sidecar(path):
                summary.add(load_sidecar(landing, [path], progress))
            else:
                summary.add(load_ndjson_file(landing, path, batch_bytes, progress))
    return summary


def load_lines(client: Any, network: str, ndjson: bytes, source: str, database: str | None = None) -> LoadSummary:
    """Canonical NDJSON already in memory (e.g. blocks a follower just fetched), as one batch."""
    get_network(network)
    with Landing(client, network, database or raw_database()) as landing:
        return landing.land(LineBatch(ndjson if ndjson.endswith(b"\n") else ndjson + b"\n", source))


def load_sidecar_files(client: Any, network: str, paths: Sequence[Path], database: str | None = None) -> LoadSummary:
    """Sidecar block files, landed together as one batch (one block each)."""
    get_network(network)
    with Landing(client, network, database or raw_database()) as landing:
        return load_sidecar(landing, list(paths))


def load_sidecar_responses(client: Any, network: str, responses: Sequence[tuple[str, str]],
                           database: str | None = None) -> LoadSummary:
    """Sidecar /blocks/{n} response texts (location, text), e.g. fetched over HTTP by a follower."""
    get_network(network)
    with Landing(client, network, database or raw_database()) as landing:
        return load_sidecar_texts(landing, responses)


def load_table(client: Any, network: str, table: str, database: str | None = None,
               progress: Progress | None = None, heights: tuple[int, int] | None = None) -> LoadSummary:
    """Copy a `block_stream` table (DB.TABLE) engine-side: all of it, or the (low, high) `heights`."""
    get_network(network)
    with Landing(client, network, database or raw_database()) as landing:
        return load_block_stream(landing, table, progress, heights)


STATUS_COLUMNS = ("network", "source", "blocks", "first_height", "last_height", "events", "last_load",
                  "quarantined", "replacements", "bad_checksums")


def status(client: Any, database: str | None = None) -> list[dict[str, Any]]:
    """What is loaded, per network and source."""
    db = checked_identifier(database or raw_database())
    ensure_schema(client, db)
    rows = client.query(statement("status", db=db)).result_rows
    return [dict(zip(STATUS_COLUMNS, row, strict=True)) for row in rows]
