"""`substrate-loader`: land decoded Substrate blocks in ClickHouse raw tables, or generate SYNTHETIC ones.

  substrate-loader load --network NAME PATH...            canonical NDJSON (.gz/.zst) or Sidecar JSON
  substrate-loader load --network NAME --from-table DB.TABLE   a block_stream table, engine-side
  substrate-loader generate --network NAME --blocks N --seed S OUT
  substrate-loader status
  substrate-loader unlock                                  clear the writer lock a stopped loader left
  substrate-loader fetch --network NAME --node URL [--from H] [--to H]   finalized blocks of a node
  substrate-loader follow --network NAME (FOLDER | DB.TABLE | --sidecar-url URL | --node URL) [--once]

The target is embedded chDB in $FLOWS_CHDB_PATH (default ./.chdb); a server with --url or
FLOWS_TARGET=prod and CLICKHOUSE_HOST/PORT/USER/PASSWORD/SECURE. Exit status of `load`: 0 all
loaded, 1 something was quarantined (see the quarantine table), 2 an error stopped the load (also:
another loader holds the raw database's writer lock; the message names it), 130/143 stopped by
SIGINT/SIGTERM (the batch in flight rolled back). See docs/loading.md.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.exceptions import DatabaseError

EXIT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # `load` and `follow` stop cleanly on their own; the others just end
        _say("interrupted")
        return 130
    except (ValueError, OSError) as error:  # bad input, missing files, LoaderLocked, unreachable servers
        return _error(str(error))
    except DatabaseError as error:  # the engine's message: its first line says what
        return _error(f"ClickHouse: {str(error).strip().splitlines()[0]}")
    except Exception as error:  # noqa: BLE001 - a bug: its traceback, and still the error status
        traceback.print_exc()
        return _error(f"unexpected {type(error).__name__}: {error}")


def _error(message: str) -> int:
    print(f"substrate-loader: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _at_least(kind: type[int] | type[float], least: float, what: str) -> Callable[[str], Any]:
    """An argparse type: a number of `kind` of at least `least`."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not value >= least:  # NaN too
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value

    return parse


positive = _at_least(int, 1, "a whole number of at least 1")
not_negative = _at_least(int, 0, "a whole number, 0 or more")
seconds = _at_least(float, 0, "a number of seconds, 0 or more")


def output_file(text: str) -> Path:
    """`generate`'s output: a known extension, in a folder that exists."""
    path = Path(text)
    if not path.name.endswith((".ndjson", ".ndjson.gz", ".ndjson.zst")):
        raise argparse.ArgumentTypeError(f"{text}: the name must end with .ndjson, .ndjson.gz or .ndjson.zst")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder {str(path.parent)!r} (create it first)")
    return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="substrate-loader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    load = commands.add_parser("load", help="land blocks from files or a block_stream table")
    load.add_argument("--network", required=True)
    load.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="NDJSON file, Sidecar JSON file or folder")
    load.add_argument("--from-table", metavar="DB.TABLE", help="copy a block_stream table engine-side")
    load.add_argument("--batch-mb", type=positive, default=48, help="NDJSON batch size in MiB (default 48)")
    _add_target(load)
    load.set_defaults(run=_load)

    fetch = commands.add_parser("fetch", help="land finalized blocks read from a node (ws://, wss://, http(s)://)",
                                description="Read finalized blocks from a node's JSON-RPC endpoint, decode each "
                                            "with its runtime's metadata and land them. See docs/loading.md.")
    fetch.add_argument("--network", required=True)
    fetch.add_argument("--node", required=True, metavar="URL", help="ws://host:9944, wss://…, http(s)://…")
    fetch.add_argument("--from", dest="from_height", type=not_negative, metavar="H",
                       help="first height (default: after the network's highest loaded block)")
    fetch.add_argument("--to", type=not_negative, metavar="H", help="last height (default: the finalized head)")
    fetch.add_argument("--concurrency", type=positive, default=16, help="blocks in flight (default 16)")
    fetch.add_argument("--retries", type=not_negative, default=5, help="reconnects per request (default 5)")
    fetch.add_argument("--retry-delay", type=seconds, default=0.5, help="first backoff in seconds, doubling")
    _add_target(fetch)
    fetch.set_defaults(run=_fetch)

    show = commands.add_parser("status", help="what is loaded, per network and source")
    _add_target(show)
    show.set_defaults(run=_status)

    unlock = commands.add_parser("unlock", help="clear the writer lock of a raw database whose loader is gone",
                                 description="Clear the writer lock (table loader_lock) that a loader stopped on "
                                             "another host or a lost connection left. Refused while its holder's pid "
                                             "still runs on this host (--force: that pid is another program now). "
                                             "See docs/loading.md.")
    unlock.add_argument("--force", action="store_true", help="clear it even though its pid runs on this host")
    _add_target(unlock)
    unlock.set_defaults(run=_unlock)

    follow = commands.add_parser("follow", help="keep the raw tables and dbt marts current with a block source",
                                 description="Follow a block source: land each new batch, run the dbt selection, "
                                             "checkpoint, repeat. See docs/loading.md.")
    follow.add_argument("--network", required=True)
    follow.add_argument("source", nargs="?", metavar="SOURCE",
                        help="a folder receiving NDJSON/Sidecar files, or a block_stream table DB.TABLE")
    follow.add_argument("--sidecar-url", metavar="URL", help="a Substrate API Sidecar endpoint instead of SOURCE")
    follow.add_argument("--node", metavar="URL", help="a node's JSON-RPC endpoint (ws://, http://) instead of SOURCE")
    follow.add_argument("--batch-blocks", type=positive, default=1000, help="heights per batch (default 1000)")
    follow.add_argument("--select", default="balance_transfers+", help="dbt selection run after each batch")
    follow.add_argument("--exclude", help="dbt models left out of it (e.g. tag:graph_analytics)")
    follow.add_argument("--interval", type=seconds, default=10.0, help="seconds between polls when caught up")
    follow.add_argument("--once", action="store_true", help="process what is available, then exit")
    follow.add_argument("--from-height", type=not_negative, help="first height when the source has no checkpoint yet")
    follow.add_argument("--skip-gap", type=not_negative, action="append", default=[], metavar="HEIGHT",
                        help="move past this missing height (recorded in the checkpoint); repeatable")
    follow.add_argument("--retries", type=not_negative, default=3, help="retries of a failing batch or request (default 3)")
    follow.add_argument("--retry-delay", type=seconds, default=1.0, help="first backoff in seconds, doubling")
    follow.add_argument("--concurrency", type=positive, default=4, help="Sidecar requests or node blocks in flight (default 4)")
    follow.add_argument("--settle", type=seconds, default=2.0,
                        help="a folder's file counts as arrived when unchanged this long (default 2 s)")
    follow.add_argument("--project-dir", type=Path, help="dbt project (default: here, else the repository root)")
    follow.add_argument("--profiles-dir", type=Path, help="dbt profiles folder (default: the project dir)")
    _add_target(follow)
    follow.set_defaults(run=_follow)

    gen = commands.add_parser("generate", help="write a deterministic SYNTHETIC block stream (canonical NDJSON)")
    gen.add_argument("--network", required=True)
    gen.add_argument("--blocks", type=positive, required=True)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("out", type=output_file, help="output file: .ndjson, .ndjson.gz or .ndjson.zst")
    gen.set_defaults(run=_generate)
    return parser


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="a ClickHouse server, http(s)://user:password@host:port (default: chDB)")
    parser.add_argument("--chdb-path", help="chDB data folder (default $FLOWS_CHDB_PATH or ./.chdb)")
    parser.add_argument("--database", help="raw database (default $FLOWS_RAW_DATABASE or substrate_raw)")


def _target(args: argparse.Namespace) -> Any:
    """The target of the command's --url, --chdb-path and --database, resolved once."""
    from loader.connection import Target

    return Target.resolve(args.url, args.chdb_path, args.database)


def _load(args: argparse.Namespace) -> int:
    from loader.api import load_files, load_table
    from loader.batch_files import remove_stale_batch_files
    from loader.networks import get_network
    from loader.stopping import Stopped, stop_on_signals

    get_network(args.network)
    if bool(args.paths) == bool(args.from_table):
        raise ValueError("give either PATH... or --from-table DB.TABLE")
    for path in args.paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
    remove_stale_batch_files(_say)
    try:
        with stop_on_signals():
            target = _target(args)
            client = target.connect()
            try:
                with _progress(args.paths) as progress:
                    if args.from_table:
                        summary = load_table(client, args.network, args.from_table, target.raw_database, progress)
                    else:
                        summary = load_files(client, args.network, args.paths, target.raw_database,
                                             args.batch_mb << 20, progress)
            finally:
                client.close()
    except Stopped as stopped:
        _say(f"{args.network}: {stopped.describe()}")
        return stopped.exit_code
    _say(f"{args.network}: {summary.line()}")
    for reason in summary.quarantined_whole:
        _say(f"quarantined as a whole: {reason}")
    if summary.quarantined:
        print(f"substrate-loader: {summary.quarantined} record(s) quarantined: see the quarantine table "
              "(source, location file:line, raw_text, reason)", file=sys.stderr)
        return 1
    return 0


def _say(message: str) -> None:
    print(f"substrate-loader: {message}", file=sys.stderr, flush=True)


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
    from loader.lock import current_holder

    target = _target(args)
    client = target.connect()
    try:
        rows = status(client, target.raw_database)
        holder = current_holder(client, target.raw_database)
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
    from loader.lock import unlock

    target = _target(args)
    database = target.raw_database
    client = target.connect()
    try:
        holder = unlock(client, database, args.force)
    finally:
        client.close()
    print(f"{database}: " + (f"writer lock of {holder.describe()} cleared" if holder else "no writer lock held"))
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from loader.node.fetch import FetchSettings, fetch_command

    return fetch_command(FetchSettings(args.network, args.node, args.from_height, args.to, args.concurrency,
                                       args.retries, args.retry_delay), _target(args))


def _follow(args: argparse.Namespace) -> int:
    from loader.follow import FollowSettings, follow_command

    settings = FollowSettings(
        network=args.network, source=args.source, sidecar_url=args.sidecar_url, node=args.node,
        batch_blocks=args.batch_blocks, select=args.select, exclude=args.exclude, interval=args.interval,
        once=args.once, from_height=args.from_height, skip_gaps=tuple(args.skip_gap), retries=args.retries,
        retry_delay=args.retry_delay, concurrency=args.concurrency, settle=args.settle,
        project_dir=args.project_dir, profiles_dir=args.profiles_dir)
    return follow_command(settings, _target(args))


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
