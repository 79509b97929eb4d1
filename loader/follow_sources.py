"""What `substrate-loader follow` can follow: a `block_stream` table, a Sidecar endpoint, a folder.

Each source answers `poll(batch_blocks)` with the next batch to land (or none) and how far behind
the source head the follower is. Height sources (table, Sidecar) keep a cursor, the first height
not yet indexed; a height missing from the source stops the cursor there and is reported as a gap,
never skipped unless the operator names it (--skip-gap). A folder source lands each new file once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.api import is_sidecar, load_files, load_sidecar_files, load_sidecar_responses, load_table
from loader.batch import LoadSummary
from loader.block_stream import qualified_table
from loader.checkpoints import Checkpoints, LoadedFile
from loader.node.fetch import land_lines, source_of
from loader.node.reader import NodeReader
from loader.node.rpc import NodeUnavailable
from loader.sidecar import block_file_order
from loader.sidecar_http import Fetched, SidecarClient, SidecarError
from loader.statements import statement

Log = Callable[[str], None]


@dataclass
class Batch:
    """One step: what lands, and the checkpoint to record once it landed and dbt ran."""

    what: str  # "heights 10-19" or "files a.ndjson, b.ndjson"
    land: Callable[[], LoadSummary]
    done: Callable[[LoadSummary], None]
    lag: str = ""  # how far behind the source head the follower is once this batch is in


@dataclass
class Poll:
    batch: Batch | None
    lag: str = ""
    gap: int | None = None  # a height missing from the source where the cursor waits


class FetchFailed(RuntimeError):
    """The source itself failed for good at a height (already retried)."""


@dataclass
class _Available:
    last: int | None  # the last height of the run that starts at the cursor (None: the cursor is missing)
    payload: Any = None  # what `land` needs beyond the heights (fetched bodies)


class HeightSource:
    """A source addressed by block height; subclasses say what is there and how it lands."""

    key = ""

    def __init__(self, client: Any, network: str, database: str, from_height: int | None,
                 skip_gaps: Sequence[int], log: Log):
        self.client = client
        self.network = network
        self.database = database
        self.log = log
        self.skip_gaps = set(skip_gaps)
        self.checkpoints = Checkpoints(client, database, network, self.key)
        saved = self.checkpoints.current()
        if saved is not None:
            if from_height is not None and from_height != saved.next_height:
                log(f"resuming {self.key} at its checkpoint, height {saved.next_height} (--from-height {from_height} "
                    "applies to a first run only)")
            self.cursor: int | None = saved.next_height
            self._reported_gap = saved.next_height if saved.status == "gap" else None
        else:
            self.cursor = from_height if from_height is not None else self.first_height()
            self._reported_gap = None

    # what a subclass provides
    def first_height(self) -> int | None:
        """Where to start without a checkpoint or --from-height (None: not known yet)."""
        raise NotImplementedError

    def head(self) -> int | None:
        raise NotImplementedError

    def available(self, low: int, high: int) -> _Available:
        raise NotImplementedError

    def land(self, low: int, high: int, payload: Any) -> LoadSummary:
        raise NotImplementedError

    # the cursor
    def resumes_at(self) -> str:
        return f"at height {self.cursor}" if self.cursor is not None else "where the source starts"

    def poll(self, batch_blocks: int) -> Poll:
        if self.cursor is None:
            self.cursor = self.first_height()
        head = self.head()
        if head is None or self.cursor is None:
            return Poll(None, "source is empty")
        while self.cursor <= head:
            high = min(self.cursor + batch_blocks - 1, head)
            found = self.available(self.cursor, high)
            if found.last is not None:
                return Poll(self._batch(self.cursor, found.last, found.payload, head), _lag(head, self.cursor - 1))
            if self.cursor not in self.skip_gaps:
                return Poll(None, _lag(head, self.cursor - 1), gap=self._gap(head))
            self.log(f"{self.key}: height {self.cursor} is missing; moving past it as --skip-gap asked")
            self.checkpoints.save(self.cursor + 1, "skipped_gap", f"height {self.cursor} missing, skipped on request")
            self.cursor += 1
        return Poll(None, _lag(head, self.cursor - 1))

    def _batch(self, low: int, high: int, payload: Any, head: int) -> Batch:
        def done(summary: LoadSummary) -> None:
            self.checkpoints.save(high + 1, "ok", f"heights {low}-{high}", summary.load_ids)
            self.cursor = high + 1

        return Batch(f"heights {low}-{high}", lambda: self.land(low, high, payload), done, _lag(head, high))

    def _gap(self, head: int) -> int:
        assert self.cursor is not None
        if self._reported_gap != self.cursor:
            self.log(f"{self.key}: height {self.cursor} is missing from the source (head {head}); the cursor waits "
                     f"there. If it never comes, --skip-gap {self.cursor} moves past it.")
            self.checkpoints.save(self.cursor, "gap", f"height {self.cursor} missing from the source")
            self._reported_gap = self.cursor
        return self.cursor


def _lag(head: int, last_done: int) -> str:
    return f"lag {max(head - last_done, 0)} blocks (head {head})"


class TableSource(HeightSource):
    """The original system's `block_stream` table: new heights copied engine-side."""

    def __init__(self, client: Any, network: str, database: str, table: str, from_height: int | None,
                 skip_gaps: Sequence[int], log: Log):
        self.table = qualified_table(table)
        self.key = f"table:{self.table}"
        if not client.command(f"exists table {self.table}"):
            raise FileNotFoundError(f"{table}: no such table (SOURCE is a folder or a block_stream table DB.TABLE)")
        super().__init__(client, network, database, from_height, skip_gaps, log)

    def first_height(self) -> int | None:
        count, low = self.client.query(f"select count(), min(block_height) from {self.table}").result_rows[0]
        return int(low) if count else None

    def head(self) -> int | None:
        count, high = self.client.query(f"select count(), max(block_height) from {self.table}").result_rows[0]
        return int(high) if count else None

    def available(self, low: int, high: int) -> _Available:
        missing = self.client.query(
            statement("first_height_not_in_table", table=self.table),
            parameters={"low": low, "high": high},
        ).result_rows[0][0]
        last = high if missing is None else int(missing) - 1
        return _Available(last if last >= low else None)

    def land(self, low: int, high: int, payload: Any) -> LoadSummary:
        return load_table(self.client, self.network, self.table, self.database, heights=(low, high))


class SidecarSource(HeightSource):
    """A Sidecar endpoint: /blocks/{n} up to the finalized head, several requests in flight."""

    def __init__(self, client: Any, network: str, database: str, sidecar: SidecarClient, from_height: int | None,
                 skip_gaps: Sequence[int], log: Log):
        self.sidecar = sidecar
        self.key = f"sidecar:{sidecar.url}"
        super().__init__(client, network, database, from_height, skip_gaps, log)

    def first_height(self) -> int:
        # Without a checkpoint or --from-height: go on after what is loaded for the network.
        loaded = self.client.query(
            f"select count(), max(block_height) from {self.database}.blocks where network = {{network:String}}",
            parameters={"network": self.network},
        ).result_rows[0]
        if not loaded[0]:
            raise ValueError(f"nothing of {self.network} is loaded yet: give --from-height for the first height")
        return int(loaded[1]) + 1

    def head(self) -> int | None:
        try:
            return self.sidecar.finalized_head()
        except SidecarError as error:
            raise FetchFailed(str(error)) from error

    def available(self, low: int, high: int) -> _Available:
        fetched: Fetched = self.sidecar.fetch(low, high)
        if fetched.bodies:  # land what came; a missing or failing height after it is met by the next poll
            return _Available(fetched.bodies[-1][0], fetched.bodies)
        if fetched.failed is not None:
            raise FetchFailed(str(fetched.failed))
        return _Available(None)

    def land(self, low: int, high: int, payload: Any) -> LoadSummary:
        return load_sidecar_responses(self.client, self.network, [(url, text) for _height, url, text in payload],
                                      self.database)


class NodeSource(HeightSource):
    """A node's JSON-RPC endpoint: finalized blocks, read and decoded by loader/node/reader.py."""

    def __init__(self, client: Any, network: str, database: str, reader: NodeReader, from_height: int | None,
                 skip_gaps: Sequence[int], log: Log):
        self.reader = reader
        self.key = source_of(reader.url)
        super().__init__(client, network, database, from_height, skip_gaps, log)

    first_height = SidecarSource.first_height  # after what is loaded for the network

    def head(self) -> int | None:
        try:
            return self.reader.finalized_head()
        except NodeUnavailable as error:
            raise FetchFailed(str(error)) from error

    def available(self, low: int, high: int) -> _Available:
        read = self.reader.read(range(low, high + 1))
        if read.lines:  # land what came; the height that stopped the read is met by the next poll
            return _Available(read.lines[-1][0], read.lines)
        if read.failed is not None and not getattr(read.failed, "missing", False):
            raise FetchFailed(str(read.failed))
        return _Available(None)

    def land(self, low: int, high: int, payload: Any) -> LoadSummary:
        return land_lines(self.client, self.network, payload, self.key, self.database)


# ----- a folder receiving files -------------------------------------------------------------------

NDJSON_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz", ".ndjson.zst", ".jsonl.zst")


@dataclass
class _File:
    path: Path
    loaded: LoadedFile

    @property
    def is_sidecar(self) -> bool:
        return is_sidecar(self.path)


class FolderSource:
    """Canonical NDJSON (.ndjson/.jsonl, .gz/.zst) and Sidecar (*.json) files as they arrive.

    A batch is one NDJSON file, or up to `batch_blocks` Sidecar files in a row; files are taken in
    order of modification time, then name. A file counts as arrived once it has not changed for
    `settle` seconds (writers that rename a finished file into place can use --settle 0). The
    cursor is the first height missing from the network's raw blocks: a gap there is reported.
    """

    def __init__(self, client: Any, network: str, database: str, folder: Path, settle: float, log: Log):
        self.client = client
        self.network = network
        self.database = database
        self.folder = folder.resolve()
        self.settle = settle
        self.log = log
        self.key = f"folder:{self.folder}"
        self.checkpoints = Checkpoints(client, database, network, self.key)
        self.loaded = self.checkpoints.loaded_files()
        saved = self.checkpoints.current()
        self.frontier = saved.next_height if saved else None
        self._reported_gap: int | None = None

    def poll(self, batch_blocks: int) -> Poll:
        pending = self._pending()
        if not pending:
            return Poll(None, "lag 0 files", gap=self._gap())
        take = [pending[0]]
        if take[0].is_sidecar:  # Sidecar files: one block each, batched; an NDJSON file is a batch of its own
            for file in pending[1:batch_blocks]:
                if not file.is_sidecar:
                    break
                take.append(file)
        names = ", ".join(f.path.name for f in take[:3]) + (f" and {len(take) - 3} more" if len(take) > 3 else "")

        def land() -> LoadSummary:
            if take[0].is_sidecar:  # the run of Sidecar files as one batch, not one per file
                return load_sidecar_files(self.client, self.network, [f.path for f in take], self.database)
            return load_files(self.client, self.network, [take[0].path], self.database)

        def done(summary: LoadSummary) -> None:
            self.checkpoints.record_files([f.loaded for f in take], summary.load_ids)
            self.loaded.update(f.loaded for f in take)
            self.frontier = self._first_missing()
            if self.frontier is not None:
                self.checkpoints.save(self.frontier, "ok", f"files {names}", summary.load_ids)

        return Poll(Batch(f"files {names}", land, done, f"lag {len(pending) - len(take)} files"),
                    f"lag {len(pending)} files")

    def resumes_at(self) -> str:
        return "with the files of the folder not loaded yet (those loaded are listed in follow_files)"

    def _pending(self) -> list[_File]:
        newest = time.time() - self.settle
        found = []
        for path in self.folder.iterdir():
            if path.name.startswith(".") or not path.is_file():
                continue
            if not (path.suffix == ".json" or path.name.endswith(NDJSON_SUFFIXES)):
                continue
            stat = path.stat()
            loaded = LoadedFile(path.name, stat.st_size, stat.st_mtime_ns)
            if loaded not in self.loaded and stat.st_mtime <= newest:
                found.append(_File(path, loaded))
        return sorted(found, key=lambda f: (f.loaded.mtime_ns, block_file_order(f.path)))

    def _first_missing(self) -> int | None:
        """The first height missing from the network's raw blocks, from the previous frontier on
        (None: nothing of the network is loaded)."""
        start = self.frontier
        if start is None:
            count, low = self.client.query(
                f"select count(), min(block_height) from {self.database}.blocks where network = {{network:String}}",
                parameters={"network": self.network},
            ).result_rows[0]
            if not count:
                return None
            start = int(low)
        return int(self.client.command(
            statement("first_missing_height", db=self.database),
            parameters={"network": self.network, "start": start},
        ))

    def _gap(self) -> int | None:
        """The first missing height when blocks above it are loaded: reported once, kept as the cursor."""
        if self.frontier is None:
            return None
        above = int(self.client.command(
            f"select count() from {self.database}.blocks where network = {{network:String}} "
            "and block_height > {frontier:UInt32}",
            parameters={"network": self.network, "frontier": self.frontier},
        ))
        if not above:
            return None
        if self._reported_gap != self.frontier:
            self.log(f"{self.key}: height {self.frontier} is missing from the files loaded so far ({above} blocks "
                     f"above it are loaded){self._quarantined(self.frontier)}; the cursor waits there")
            self._reported_gap = self.frontier
        return self.frontier

    def _quarantined(self, height: int) -> str:
        """Where a quarantined block of this height came from and why, and how to see it ('' if none)."""
        found = self.client.query(
            statement("quarantined_height", db=self.database),
            parameters={"network": self.network, "folder": f"{self.folder}/", "height": height},
        ).result_rows
        if not found:
            return ""
        location, reason = found[0]
        quoted = "'" + location.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return (f": its block was quarantined at {location} ({reason}); see it with: select location, reason, "
                f"raw_text from {self.database}.quarantine where location = {quoted}. A corrected file dropped "
                "into the folder fills the gap")

