"""Landing batches: validate, skip/replace/commit blocks, quarantine the rest, bookkeeping.

Every input format ends up as rows of one per-batch staging table (one row per block, parsed and
checked by ClickHouse: loader/staging.py); from there the same statements (loader/sql/) write
`events`, `extrinsics`, `blocks` (last: the commit marker), `block_replacements` and `quarantine`.
Values reach ClickHouse as query parameters or as data, never inside SQL text; identifiers pass
`checked_identifier`.

One writer at a time per raw database: load ids are allocated as max + 1, and a batch without a
'committed' row in `loads` is taken for an interrupted one and cleaned. So a Landing takes the
database's writer lock (loader/lock.py) when it is made, before it reads the last load id, and
holds it until `close()`: use it as a context manager (`with Landing(...) as landing:`), which also
releases the lock when a load fails or is interrupted. A second Landing of the same database
meanwhile raises `LoaderLocked` naming the holder. Stopped by a signal (loader/stopping.py), it
rolls back the batch in flight before it lets go of the lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from loader.addresses import record_checksum_failures
from loader.batch import LineBatch, LoadSummary
from loader.connection import is_embedded
from loader.exact_json import NEEDS_EXACT_PATH
from loader.lock import LoaderLock
from loader.schema import checked_identifier, ensure_schema
from loader.staging import stage_batch
from loader.statements import part, statement
from loader.stopping import Stopped

__all__ = ["TYPED_BLOCK_COLUMNS", "Landing", "LineBatch", "LoadSummary"]

# A parsed block, typed as the raw tables want it (also bench/load_floor.py's input).
TYPED_BLOCK_COLUMNS = part("typed_block_columns")
# The source of load 0: the one check of the addresses landed before the loader checked them.
EARLIER_ADDRESSES_CHECKED = "~addresses landed before checksums were checked"
# Blocks of a few thousand rows keep memory bounded with long lines; the loader never inserts two
# rows with one key, so merging them on insert (optimize_on_insert) would be wasted work.
_FAST_INSERT = {"optimize_on_insert": 0, "max_insert_threads": 2, "max_block_size": 8192}


class Landing:
    """Lands batches of one network into the raw database through `client`, holding the database's
    writer lock from construction until `close()` (or the end of its `with` block)."""

    def __init__(self, client: Any, network: str, database: str):
        self.client = client
        self.network = network
        self.db = checked_identifier(database)
        self.embedded = is_embedded(client)
        ensure_schema(client, self.db)
        self.landed = LoadSummary()  # what the batches of this Landing committed
        self.in_flight: tuple[int, LineBatch] | None = None  # load id and batch being landed
        self.last_landed: LineBatch | None = None
        self.lock = LoaderLock(client, self.db)
        self.lock.acquire()
        try:
            self._next_load_id = self._max_load_id() + 1
            self.cleanup_interrupted()
            self._check_earlier_addresses()
        except BaseException:
            self.lock.release()
            raise

    def __enter__(self) -> Landing:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: Any) -> None:
        if isinstance(error, Stopped):
            try:
                self._stop(error)
            except Exception as failure:  # noqa: BLE001 - a lost connection: the next load cleans up
                self.lock.log(f"could not roll back the batch in flight ({failure}); the next load of {self.db} does")
        self.lock.__exit__(kind, error, traceback)

    def _stop(self, stopped: Stopped) -> None:
        """Roll back the batch in flight (its blocks rows written: it committed) and note on
        `stopped` what landed and where the load stopped."""
        if self.in_flight is not None:
            load_id, batch = self.in_flight
            self.cleanup_interrupted()
            blocks, events, extrinsics = self.client.query(
                f"select count(), sum(event_count), sum(extrinsic_count) from {self.db}.blocks "
                "where load_id = {load_id:UInt64}", parameters={"load_id": load_id}).result_rows[0]
            if blocks:  # its blocks rows were written: it committed
                self.landed.add(LoadSummary(blocks=int(blocks), events=int(events), extrinsics=int(extrinsics),
                                            load_ids=[load_id]))
                self.last_landed = batch
            else:
                stopped.rolled_back = batch.start
        stopped.landed.add(self.landed)
        if self.last_landed is not None:
            stopped.last_landed = self.last_landed.end

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
            statement("record_load", db=self.db),
            parameters={"load_id": load_id, "network": self.network, "source": source, "status": status,
                        "blocks": s.blocks, "extrinsics": s.extrinsics, "events": s.events, "skipped": s.skipped,
                        "replaced": s.replaced, "quarantined": s.quarantined},
        )

    def cleanup_interrupted(self) -> list[int]:
        """Finish what an interrupted batch left: commit it if its blocks rows exist, else delete its rows."""
        rows = self.client.query(statement("interrupted_loads", db=self.db),
                                 parameters={"network": self.network}).result_rows
        cleaned = []
        for load_id, source, committed_blocks in rows:
            for kind in ("stage", "plan", "lines"):  # a server keeps an interrupted batch's work tables
                self.client.command(f"drop table if exists {self.db}.loader_{kind}_{int(load_id)}")
            if committed_blocks:
                self._record(load_id, source, "committed")
                continue
            for table in ("events", "extrinsics", "quarantine", "address_checksum_failures"):
                self._delete(table, "load_id = {load_id:UInt64}", {"load_id": load_id})
            self._record(load_id, source, "cleaned")
            cleaned.append(load_id)
        return cleaned

    def _check_earlier_addresses(self) -> None:
        """Check the addresses of events landed before the loader checked checksums, once: the
        check is recorded as load 0 when it is done (a re-run after a kill does it again)."""
        if int(self.client.command(f"select count() from {self.db}.loads where load_id = 0")):
            return
        record_checksum_failures(self.client, self.db, f"select network, attributes from {self.db}.events", 0, {})
        self._record(0, EARLIER_ADDRESSES_CHECKED, "committed")

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
        self.in_flight = (load_id, batch)
        stage = f"{self.db}.loader_stage_{load_id}"
        plan = f"{self.db}.loader_plan_{load_id}"
        try:
            self._record(load_id, batch.source, "started")
            self.client.command(statement("stage_table", stage=stage))
            self.client.command(statement("plan_table", plan=plan))
            stage_batch(self.client, batch, stage, self.embedded)
            summary = self._commit(batch, stage, plan, load_id)
        finally:
            if batch.file:
                batch.file.remove()
            self.client.command(f"drop table if exists {stage}")
            self.client.command(f"drop table if exists {plan}")
        summary.bytes_read = batch.size
        summary.seconds = time.perf_counter() - started
        summary.load_ids.append(load_id)
        self._record(load_id, batch.source, "committed", summary)
        self.landed.add(summary)
        self.in_flight, self.last_landed = None, batch
        return summary

    def _commit(self, batch: LineBatch, stage: str, plan: str, load_id: int) -> LoadSummary:
        readable, low, high = self.client.query(
            f"select count(), min(block_height), max(block_height) from {stage} where problem = ''"
        ).result_rows[0]
        p = {"network": self.network, "load_id": load_id, "loaded_at": int(time.time() * 1000), "low": low, "high": high}
        names = {"db": self.db, "stage": stage, "plan": plan}
        self.client.command(statement("plan_fill", **names), parameters=p)
        replaced_heights = [r[0] for r in self.client.query(f"select block_height from {plan} where old_block_hash != ''").result_rows]
        # New rows first (invisible to readers until their blocks row exists) ...
        self.client.command(statement("insert_events", **names), parameters=p, settings=_FAST_INSERT)
        self.client.command(statement("insert_extrinsics", **names), parameters=p, settings=_FAST_INSERT)
        # ... then the old versions of changed blocks go, logged in block_replacements ...
        if replaced_heights:
            self.client.command(statement("insert_replacements", **names), parameters=p)
            for table in ("events", "extrinsics", "blocks"):
                self._delete(table, "has({heights:Array(UInt32)}, block_height) and load_id < {load_id:UInt64}",
                             {"heights": replaced_heights, "load_id": load_id})
        # ... the new events' bad SS58 checksums are noted (before the commit marker, so no
        # committed block lacks them) ...
        record_checksum_failures(self.client, self.db, statement("batch_attributes", **names), load_id, p)
        # ... and the blocks rows commit the new versions.
        self.client.command(statement("insert_blocks", **names), parameters=p)
        self.client.command(statement("insert_quarantine", **names), parameters=p)
        superseded = self._quarantine_superseded(batch, stage, load_id)
        counts = self.client.query(statement("landed_counts", stage=stage, plan=plan)).result_rows[0]
        quarantined = int(self.client.command(f"select count() from {stage} where problem not in ('', {{flag:String}})",
                                              parameters={"flag": NEEDS_EXACT_PATH}))
        return LoadSummary(
            blocks=int(counts[0]), events=int(counts[1] or 0), extrinsics=int(counts[2] or 0),
            skipped=int(readable) - int(counts[0]) - superseded, replaced=len(replaced_heights),
            quarantined=quarantined + superseded,
        )

    def _quarantine_superseded(self, batch: LineBatch, stage: str, load_id: int) -> int:
        """Readable lines that lost to a later line of the batch with another hash for the same height."""
        rows = self.client.query(statement("superseded_lines", stage=stage)).result_rows
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
            statement("quarantined_before", db=self.db),
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
