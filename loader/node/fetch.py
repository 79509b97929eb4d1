"""`substrate-loader fetch --network NAME --node URL [--from H] [--to H] [--concurrency N]`: land the
finalized blocks H..H' of a node in the raw tables, through the loader's API (`load_lines`).

Without --from it goes on after the network's highest loaded block; without --to it stops at the
node's finalized head (a --to above it is refused). Heights already loaded at the start of the
range are skipped, so a re-run after a stop resumes where it stopped. Batches land in height order
while the next batch is read. A height the node cannot serve stops the run: everything before it
has landed, and the message names the height and the reason. Exit status: 0 all landed, 1 something
was quarantined, 2 bad arguments or the node unreachable, 3 stopped at a height.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from loader.api import load_lines
from loader.connection import Target
from loader.batch import LoadSummary
from loader.lock import holding
from loader.networks import get_network
from loader.node.block import BlockDecodeError
from loader.node.reader import BlockUnavailable, NodeReader
from loader.node.rpc import check_url
from loader.schema import checked_identifier, ensure_schema

EXIT_OK, EXIT_QUARANTINED, EXIT_STOPPED = 0, 1, 3
BATCH_BLOCKS = 500  # per landing: an insert's fixed cost spread over many blocks, memory bounded
FIRST_UNLOADED_SQL = resources.files("loader.node").joinpath("first_unloaded.sql").read_text()


@dataclass
class Fetched:
    summary: LoadSummary = field(default_factory=LoadSummary)
    landed: list[int] = field(default_factory=list)  # the first and the last height landed
    failed: BlockUnavailable | BlockDecodeError | None = None


def source_of(url: str) -> str:
    return f"node:{url}"


def land_lines(client: Any, network: str, lines: Sequence[tuple[int, str]], source: str,
               database: str | None = None) -> LoadSummary:
    """Canonical lines read from a node, landed as one batch."""
    return load_lines(client, network, "\n".join(line for _height, line in lines).encode(), source, database)


def fetch_heights(client: Any, network: str, reader: NodeReader, heights: Sequence[int],
                  database: str | None = None, batch_blocks: int = BATCH_BLOCKS,
                  progress: Callable[[int], None] | None = None) -> Fetched:
    """Reads and lands the heights in order, batch by batch (the next read while this one lands),
    up to the first height that fails."""
    fetched = Fetched()
    batches = [heights[i:i + batch_blocks] for i in range(0, len(heights), batch_blocks)]
    pending = reader.submit(batches[0], progress) if batches else None
    for index in range(len(batches)):
        assert pending is not None
        read = pending.result()
        has_next = read.failed is None and index + 1 < len(batches)
        pending = reader.submit(batches[index + 1], progress) if has_next else None
        if read.lines:
            fetched.summary.add(land_lines(client, network, read.lines, source_of(reader.url), database))
            fetched.landed = [fetched.landed[0] if fetched.landed else read.lines[0][0], read.lines[-1][0]]
        if read.failed is not None:
            fetched.failed = read.failed
            break
    return fetched


def first_unloaded(client: Any, network: str, database: str, low: int, high: int) -> int | None:
    value = client.command(FIRST_UNLOADED_SQL.replace("{db}", checked_identifier(database)),
                           parameters={"network": network, "low": low, "high": high})
    return None if value in (None, "\\N", "") else int(value)


def last_loaded(client: Any, network: str, database: str) -> int | None:
    count, high = client.query(
        f"select count(), max(block_height) from {checked_identifier(database)}.blocks "
        "where network = {network:String}", parameters={"network": network}).result_rows[0]
    return int(high) if count else None


def log(message: str) -> None:
    print(f"substrate-loader: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class FetchSettings:
    """`substrate-loader fetch`'s options (parsed in loader/cli.py)."""

    network: str
    node: str
    from_height: int | None = None
    to: int | None = None
    concurrency: int = 16
    retries: int = 5
    retry_delay: float = 0.5


def fetch_command(settings: FetchSettings, target: Target) -> int:
    """`substrate-loader fetch`: the settings' heights of the node into `target`."""
    get_network(settings.network)
    check_url(settings.node)
    database = target.raw_database
    client = target.connect()
    try:
        ensure_schema(client, database)
        with holding(client, database), NodeReader(settings.node, settings.concurrency, retries=settings.retries,
                                                    retry_delay=settings.retry_delay, log=log) as reader:
            head = reader.finalized_head()
            high = head if settings.to is None else settings.to
            if high > head:
                raise ValueError(f"--to {high} is above the node's finalized head {head}: only finalized blocks "
                                 "are loaded")
            low = settings.from_height
            if low is None:
                loaded = last_loaded(client, settings.network, database)
                if loaded is None:
                    raise ValueError(f"nothing of {settings.network} is loaded yet: give --from for the first height")
                low = loaded + 1
            if low > high:
                if settings.from_height is not None:
                    raise ValueError(f"--from {low} is above the last height {high}")
                log(f"{settings.network}: nothing new: loaded up to {low - 1}, the finalized head is {head}")
                return EXIT_OK
            start = first_unloaded(client, settings.network, database, low, high)
            if start is None:
                log(f"{settings.network}: heights {low}-{high} are loaded already (finalized head {head})")
                return EXIT_OK
            if start > low:
                log(f"{settings.network}: heights {low}-{start - 1} are loaded already; resuming at {start}")
            log(f"{settings.network}: fetching heights {start}-{high} from {settings.node} "
                f"({reader.chain.name}, SS58 format {reader.chain.ss58_format}; finalized head {head})")
            with _progress(high - start + 1) as progress:
                fetched = fetch_heights(client, settings.network, reader, range(start, high + 1), database,
                                        progress=progress)
    finally:
        client.close()
    return _report(settings.network, fetched)


def _report(network: str, fetched: Fetched) -> int:
    landed = f"heights {fetched.landed[0]}-{fetched.landed[1]}" if fetched.landed else "no height"
    log(f"{network}: {landed} landed: {fetched.summary.line()}")
    if fetched.failed is not None:
        log(f"stopped at {fetched.failed}; everything before it has landed. Run the same command again to "
            "resume there.")
        return EXIT_STOPPED
    if fetched.summary.quarantined:
        log(f"{fetched.summary.quarantined} record(s) quarantined: see the quarantine table")
        return EXIT_QUARANTINED
    return EXIT_OK


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A blocks/s progress bar on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="blocks", file=sys.stderr, desc="fetching", smoothing=0.1) as bar:
        yield bar.update
