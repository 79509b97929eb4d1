"""`substrate-loader follow`: keep the raw tables and the dbt marts current with a block source.

Each step polls the source for the next batch, lands it, runs the dbt selection in this process,
records the checkpoint and logs one line. A failing batch is retried a bounded number of times,
then reported; the command exits non-zero naming its heights. SIGINT/SIGTERM let the batch in
flight finish (a batch fetched but not yet landed is dropped), so the checkpoint is consistent and
a restart resumes exactly there. Exit status: 0 caught up (--once) or stopped by a signal;
1 caught up but something was quarantined; 3 a batch failed; 4 stopped at a gap (--once).
"""

from __future__ import annotations

import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, TypeVar

from loader.batch import LoadSummary
from loader.batch_files import remove_stale_batch_files
from loader.connection import Target
from loader.dbt_runner import DbtFailed, DbtSelection, default_project_dir
from loader.follow_sources import Batch, FetchFailed, FolderSource, NodeSource, Poll, SidecarSource, TableSource
from loader.lock import holding
from loader.networks import get_network
from loader.node.reader import NodeReader
from loader.sidecar_http import SidecarClient

EXIT_OK, EXIT_QUARANTINED, EXIT_FAILED, EXIT_GAP = 0, 1, 3, 4
T = TypeVar("T")


class Source(Protocol):
    """What the follower needs of a source (loader/follow_sources.py)."""

    key: str

    def poll(self, batch_blocks: int) -> Poll: ...

    def resumes_at(self) -> str: ...


class Models(Protocol):
    """What the follower needs of the dbt side (loader/dbt_runner.py's DbtSelection)."""

    def relation(self, model: str) -> str | None: ...

    def run(self, client: Any) -> float: ...


@dataclass
class FollowOptions:
    network: str
    batch_blocks: int = 1000
    interval: float = 10.0
    once: bool = False
    retries: int = 3
    retry_delay: float = 1.0


def log(message: str) -> None:
    print(f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} {message}", file=sys.stderr, flush=True)


class StopFlag:
    """Set by the first SIGINT/SIGTERM; a second one interrupts at once (KeyboardInterrupt)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_name = ""

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> None:
        self.event.wait(seconds)

    def _handle(self, number: int, _frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.signal_name = signal.Signals(number).name
        log(f"{self.signal_name}: stopping after the batch in flight (again to abort it)")
        self.event.set()

    @contextmanager
    def installed(self) -> Iterator[StopFlag]:
        previous = {s: signal.signal(s, self._handle) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


class Follower:
    def __init__(self, client: Any, source: Source, dbt: Models, options: FollowOptions,
                 stop: StopFlag, log: Callable[[str], None] = log):
        self.client = client
        self.source = source
        self.dbt = dbt
        self.options = options
        self.stop = stop
        self.log = log
        self.transfers_table = dbt.relation("balance_transfers")
        self.quarantined = 0

    def run(self) -> int:
        while not self.stop.requested:
            polled = time.perf_counter()
            try:
                poll = self._retrying("poll", lambda: self.source.poll(self.options.batch_blocks))
            except FetchFailed as error:  # the source's requests were retried already
                self.log(f"{self.source.key}: FAILED: {error}")
                return EXIT_FAILED
            if poll is None:
                return EXIT_FAILED
            if poll.batch is None:
                if self.options.once:
                    return self._caught_up(poll)
                self.stop.wait(self.options.interval)
                continue
            if self.stop.requested:  # fetched, nothing written yet: drop it, the checkpoint stays
                break
            fetch_seconds = time.perf_counter() - polled
            if not self._retrying(poll.batch.what, lambda batch=poll.batch: self._land(batch, fetch_seconds)):
                return EXIT_FAILED
        self.log(f"{self.source.key}: stopped by {self.stop.signal_name}; the checkpoint is consistent: "
                 f"a re-run resumes {self.source.resumes_at()}")
        return EXIT_OK

    def _caught_up(self, poll: Poll) -> int:
        if poll.gap is not None:
            self.log(f"{self.source.key}: stopped at a gap: height {poll.gap} is missing; {poll.lag}")
            return EXIT_GAP
        self.log(f"{self.source.key}: caught up ({poll.lag})")
        return EXIT_QUARANTINED if self.quarantined else EXIT_OK

    def _retrying(self, what: str, step: Callable[[], T]) -> T | None:
        """The step's result, retried a bounded number of times with backoff; None when it failed for good."""
        attempts = self.options.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return step()
            except FetchFailed:
                raise
            except Exception as error:  # noqa: BLE001 - any failure is retried, then reported
                if attempt == attempts or self.stop.requested:
                    self.log(f"{self.source.key}: {what} FAILED after {attempt} attempt(s): {error}")
                    return None
                delay = self.options.retry_delay * 2 ** (attempt - 1)
                self.log(f"{self.source.key}: {what} failed (attempt {attempt}/{attempts}): {error}; "
                         f"retrying in {delay:.1f} s")
                self.stop.wait(delay)
        return None

    def _land(self, batch: Batch, fetch_seconds: float) -> bool:
        """Lands the batch, runs dbt, records the checkpoint, logs the batch line."""
        started = time.perf_counter()
        summary = batch.land()
        landed = time.perf_counter()
        self.dbt.run(self.client)
        batch.done(summary)
        self._report(batch, summary, (fetch_seconds, landed - started, time.perf_counter() - landed))
        return True

    def _report(self, batch: Batch, summary: LoadSummary, seconds: tuple[float, float, float]) -> None:
        """One line per batch: heights, events, transfers, blocks/s (fetch + load + dbt), lag."""
        self.quarantined += summary.quarantined
        heights = summary.blocks + summary.skipped
        fetch, load, dbt = seconds
        parts = [f"{summary.blocks} blocks", f"{summary.events} events", f"{self._transfers(summary)} transfers"]
        if summary.skipped:
            parts.append(f"{summary.skipped} already loaded")
        if summary.quarantined:
            parts.append(f"{summary.quarantined} quarantined")
        parts.extend(f"quarantined as a whole: {reason}" for reason in summary.quarantined_whole)
        self.log(f"{self.options.network} {self.source.key} {batch.what}: {', '.join(parts)}; "
                 f"{heights / max(sum(seconds), 1e-6):.1f} blocks/s (fetch {fetch:.2f} s, load {load:.2f} s, dbt {dbt:.2f} s); "
                 f"{batch.lag}")

    def _transfers(self, summary: LoadSummary) -> str:
        if self.transfers_table is None or not summary.load_ids:
            return "-" if self.transfers_table is None else "0"
        return str(self.client.command(
            f"select count() from {self.transfers_table} where _version in {{load_ids:Array(UInt64)}}",
            parameters={"load_ids": summary.load_ids},
        ))


# ----- the command ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowSettings:
    """`substrate-loader follow`'s options (parsed in loader/cli.py). Exactly one source:
    `source` (a folder or a block_stream table), `sidecar_url` or `node`."""

    network: str
    source: str | None = None
    sidecar_url: str | None = None
    node: str | None = None
    batch_blocks: int = 1000
    select: str = "balance_transfers+"
    exclude: str | None = None
    interval: float = 10.0
    once: bool = False
    from_height: int | None = None
    skip_gaps: tuple[int, ...] = ()
    retries: int = 3
    retry_delay: float = 1.0
    concurrency: int = 4
    settle: float = 2.0
    project_dir: Path | None = None
    profiles_dir: Path | None = None


def follow_command(settings: FollowSettings, target: Target) -> int:
    """Follows the settings' source into `target`, running dbt against the same target."""
    get_network(settings.network)
    if [bool(settings.source), bool(settings.sidecar_url), bool(settings.node)].count(True) != 1:
        raise ValueError("give one source: SOURCE (a folder or a block_stream table DB.TABLE), --sidecar-url URL "
                         "or --node URL")
    database = target.raw_database
    remove_stale_batch_files(log)
    options = FollowOptions(settings.network, settings.batch_blocks, settings.interval, settings.once,
                            settings.retries, settings.retry_delay)
    stop = StopFlag()
    with stop.installed():
        client = target.connect()
        sidecar: SidecarClient | None = None
        node: NodeReader | None = None
        try:
            with holding(client, database):  # the writer of this raw database for the whole run
                if settings.sidecar_url:
                    sidecar = SidecarClient(settings.sidecar_url, settings.concurrency, settings.retries,
                                            settings.retry_delay, on_retry=log)
                    source: Source = SidecarSource(client, settings.network, database, sidecar,
                                                   settings.from_height, list(settings.skip_gaps), log)
                elif settings.node:
                    node = NodeReader(settings.node, settings.concurrency, retries=settings.retries,
                                      retry_delay=settings.retry_delay, log=log)
                    source = NodeSource(client, settings.network, database, node, settings.from_height,
                                        list(settings.skip_gaps), log)
                else:
                    source = _local_source(settings, client, database)
                try:
                    dbt = DbtSelection(settings.select, settings.project_dir or default_project_dir(),
                                       settings.profiles_dir, settings.exclude, target.dbt_environment())
                except DbtFailed as error:
                    raise ValueError(str(error)) from error
                log(f"following {source.key} for {settings.network}: batches of {settings.batch_blocks} blocks, "
                    f"{dbt.describe()}" + (", once" if settings.once else f", every {settings.interval:g} s"))
                return Follower(client, source, dbt, options, stop).run()
        except KeyboardInterrupt:  # a second signal: the batch in flight is cleaned up by the next start
            log("aborted: the unfinished batch's rows are removed and its heights loaded again on the next start")
            return 130
        finally:
            if sidecar:
                sidecar.close()
            if node:
                node.close()
            client.close()


def _local_source(settings: FollowSettings, client: Any, database: str) -> Source:
    assert settings.source is not None
    path = Path(settings.source)
    if path.is_dir():
        return FolderSource(client, settings.network, database, path, settings.settle, log)
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$", settings.source):
        return TableSource(client, settings.network, database, settings.source, settings.from_height,
                           list(settings.skip_gaps), log)
    raise FileNotFoundError(f"{settings.source}: SOURCE must be an existing folder or a block_stream table DB.TABLE")
