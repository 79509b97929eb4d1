"""`substrate-loader`: land decoded Substrate blocks in ClickHouse raw tables, or generate SYNTHETIC ones.

  substrate-loader load --network NAME PATH...            canonical NDJSON (.gz/.zst) or Sidecar JSON
  substrate-loader load --network NAME --from-table DB.TABLE   a block_stream table, engine-side
  substrate-loader generate --network NAME --blocks N --seed S OUT
  substrate-loader status
  substrate-loader unlock                                  clear the writer lock a stopped loader left
  substrate-loader fetch --network NAME --node URL [--from H] [--to H]   finalized blocks of a node
  substrate-loader follow --network NAME (FOLDER | DB.TABLE | --sidecar-url URL | --node URL) [--once]

The target is embedded chDB in $FLOWS_CHDB_PATH (default ./.chdb); a server with --url or
FLOWS_TARGET=prod and CLICKHOUSE_HOST/PORT/USER/PASSWORD/SECURE. Exit status: 0 all loaded,
1 something was quarantined (see the quarantine table), 2 an error stopped the load (also: another
loader holds the raw database's writer lock; the message names it).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loader.networks import UnknownNetworkError


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (UnknownNetworkError, ValueError, FileNotFoundError, ConnectionError) as error:  # LoaderLocked too
        print(f"substrate-loader: error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="substrate-loader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    load = commands.add_parser("load", help="land blocks from files or a block_stream table")
    load.add_argument("--network", required=True)
    load.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="NDJSON file, Sidecar JSON file or folder")
    load.add_argument("--from-table", metavar="DB.TABLE", help="copy a block_stream table engine-side")
    load.add_argument("--batch-mb", type=int, default=48, help="NDJSON batch size in MiB (default 48)")
    _add_target(load)
    load.set_defaults(run=_load)

    fetch = commands.add_parser("fetch", help="land finalized blocks read from a node (ws://, wss://, http(s)://)",
                                description="Read finalized blocks from a node's JSON-RPC endpoint, decode each "
                                            "with its runtime's metadata and land them. See docs/loading.md.")
    fetch.add_argument("--network", required=True)
    fetch.add_argument("--node", required=True, metavar="URL", help="ws://host:9944, wss://…, http(s)://…")
    fetch.add_argument("--from", dest="from_height", type=int, metavar="H",
                       help="first height (default: after the network's highest loaded block)")
    fetch.add_argument("--to", type=int, metavar="H", help="last height (default: the finalized head)")
    fetch.add_argument("--concurrency", type=int, default=16, help="blocks in flight (default 16)")
    fetch.add_argument("--retries", type=int, default=5, help="reconnects per request (default 5)")
    fetch.add_argument("--retry-delay", type=float, default=0.5, help="first backoff in seconds, doubling")
    _add_target(fetch)
    fetch.set_defaults(run=_fetch)

    show = commands.add_parser("status", help="what is loaded, per network and source")
    _add_target(show)
    show.set_defaults(run=_status)

    unlock = commands.add_parser("unlock", help="clear the writer lock of a raw database whose loader is gone",
                                 description="Clear the writer lock (table loader_lock) that a loader stopped on "
                                             "another host or a lost connection left. Refused while its holder's pid "
                                             "still runs on this host (--force: that pid is another program now). "
                                             "See README 'Loading blocks'.")
    unlock.add_argument("--force", action="store_true", help="clear it even though its pid runs on this host")
    _add_target(unlock)
    unlock.set_defaults(run=_unlock)

    follow = commands.add_parser("follow", help="keep the raw tables and dbt marts current with a block source",
                                 description="Follow a block source: land each new batch, run the dbt selection, "
                                             "checkpoint, repeat. See README 'Following a chain'.")
    follow.add_argument("--network", required=True)
    follow.add_argument("source", nargs="?", metavar="SOURCE",
                        help="a folder receiving NDJSON/Sidecar files, or a block_stream table DB.TABLE")
    follow.add_argument("--sidecar-url", metavar="URL", help="a Substrate API Sidecar endpoint instead of SOURCE")
    follow.add_argument("--node", metavar="URL", help="a node's JSON-RPC endpoint (ws://, http://) instead of SOURCE")
    follow.add_argument("--batch-blocks", type=int, default=1000, help="heights per batch (default 1000)")
    follow.add_argument("--select", default="balance_transfers+", help="dbt selection run after each batch")
    follow.add_argument("--interval", type=float, default=10.0, help="seconds between polls when caught up")
    follow.add_argument("--once", action="store_true", help="process what is available, then exit")
    follow.add_argument("--from-height", type=int, help="first height when the source has no checkpoint yet")
    follow.add_argument("--skip-gap", type=int, action="append", default=[], metavar="HEIGHT",
                        help="move past this missing height (recorded in the checkpoint); repeatable")
    follow.add_argument("--retries", type=int, default=3, help="retries of a failing batch or request (default 3)")
    follow.add_argument("--retry-delay", type=float, default=1.0, help="first backoff in seconds, doubling")
    follow.add_argument("--concurrency", type=int, default=4, help="Sidecar requests or node blocks in flight (default 4)")
    follow.add_argument("--settle", type=float, default=2.0,
                        help="a folder's file counts as arrived when unchanged this long (default 2 s)")
    follow.add_argument("--project-dir", type=Path, help="dbt project (default: here, else the repository root)")
    follow.add_argument("--profiles-dir", type=Path, help="dbt profiles folder (default: the project dir)")
    follow.add_argument("--chdb-path", help="chDB data folder (default $FLOWS_CHDB_PATH or ./.chdb)")
    follow.add_argument("--database", help="raw database (default $FLOWS_RAW_DATABASE or substrate_raw)")
    follow.set_defaults(run=_follow)

    gen = commands.add_parser("generate", help="write a deterministic SYNTHETIC block stream (canonical NDJSON)")
    gen.add_argument("--network", required=True)
    gen.add_argument("--blocks", type=int, required=True)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("out", type=Path, help="output file: .ndjson, .ndjson.gz or .ndjson.zst")
    gen.set_defaults(run=_generate)
    return parser


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="a ClickHouse server, http(s)://user:password@host:port (default: chDB)")
    parser.add_argument("--chdb-path", help="chDB data folder (default $FLOWS_CHDB_PATH or ./.chdb)")
    parser.add_argument("--database", help="raw database (default $FLOWS_RAW_DATABASE or substrate_raw)")


def _load(args: argparse.Namespace) -> int:
    from loader.api import load_files, load_table
    from loader.connection import connect
    from loader.networks import get_network

    get_network(args.network)
    if bool(args.paths) == bool(args.from_table):
        raise ValueError("give either PATH... or --from-table DB.TABLE")
    for path in args.paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
    client = connect(args.url, args.chdb_path)
    try:
        with _progress(args.paths) as progress:
            if args.from_table:
                summary = load_table(client, args.network, args.from_table, args.database, progress)
            else:
                summary = load_files(client, args.network, args.paths, args.database, args.batch_mb << 20, progress)
    finally:
        client.close()
    print(f"substrate-loader: {args.network}: {summary.line()}", file=sys.stderr)
    if summary.quarantined:
        print(f"substrate-loader: {summary.quarantined} record(s) quarantined: see the quarantine table "
              "(source, location file:line, raw_text, reason)", file=sys.stderr)
        return 1
    return 0


@contextmanager
def _progress(paths: list[Path]) -> Iterator[Any]:
    """A byte progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    total = sum(p.stat().st_size for p in paths if p.is_file()) or None
    with tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, desc="loading") as bar:
        yield bar.update


def _status(args: argparse.Namespace) -> int:
    from loader.api import STATUS_COLUMNS, status
    from loader.connection import connect, raw_database
    from loader.lock import current_holder

    client = connect(args.url, args.chdb_path)
    try:
        rows = status(client, args.database)
        holder = current_holder(client, args.database or raw_database())
    finally:
        client.close()
    if holder:
        print(f"being written by {holder.describe()} (writer lock; `substrate-loader unlock` if it is gone)")
    if not rows:
        print("nothing loaded yet")
        return 0
    table = [STATUS_COLUMNS] + [tuple(str(row[c]) for c in STATUS_COLUMNS) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(STATUS_COLUMNS))]
    for row in table:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from loader.connection import connect, raw_database
    from loader.lock import unlock

    database = args.database or raw_database()
    client = connect(args.url, args.chdb_path)
    try:
        holder = unlock(client, database, args.force)
    finally:
        client.close()
    print(f"{database}: " + (f"writer lock of {holder.describe()} cleared" if holder else "no writer lock held"))
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from loader.node.fetch import fetch_command

    return fetch_command(args)


def _follow(args: argparse.Namespace) -> int:
    from loader.follow import follow_command

    return follow_command(args)


def _generate(args: argparse.Namespace) -> int:
    from loader.generate import generate

    started = time.perf_counter()
    summary = generate(args.network, args.blocks, args.seed, args.out)
    seconds = time.perf_counter() - started
    print(
        f"{args.out}: {summary.blocks} blocks, {summary.extrinsics} extrinsics, {summary.events} events "
        f"(synthetic, {args.network}, seed {args.seed}) in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
