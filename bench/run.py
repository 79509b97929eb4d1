"""The benchmark: each goal of the project measured one way, against the original approach: `make bench`.

    make bench                                                     # ~200,000 events, 3 repeats
    make bench BENCH_ARGS="--events 5000000 --repeat 3"            # the size the goals are stated at
    .venv/bin/python -m bench.run --events 100000 --repeat 1 --graph-transfers 0

Input: a deterministic synthetic stream (`substrate-loader generate`, seed 42) of about --events
events, and 1% more blocks continuing it, cached in --work. Each repeat starts from empty chDB
folders and runs, each as a child process timed from start to exit with its CPU time and peak RSS:

  load               substrate-loader load --network N base.ndjson
  engine floor       python -m bench.load_floor (the same file landed with nothing checked), and
                     once more with nothing written: what any loader into these tables costs
  full build         dbt build --exclude-resource-type test unit_test
  balance_transfers  dbt run --select +balance_transfers --full-refresh
  +1%                the +1% landed and the dbt run after it in one process, as `substrate-loader
                     follow` runs it (loader/dbt_runner.py, dbt started and run once before)
  baseline           python -m bench.baseline (Python loop: file -> transfers table)

Then, once: our Balances.Transfer rows against the baseline's, and bench/bench_graph.py (the
money-flow full refresh on --graph-transfers synthetic transfers, modularity against networkx's
Louvain). Figures are medians over the repeats. Output: a table on the terminal and
bench/results/{results.json,summary.md,chart.png}; with the default --results, the copy of
summary.md in docs/performance.md too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.bench_load import EVENTS_PER_BLOCK
from bench.goals import verdicts
from bench.runner import REPO, BenchError, git_commit, machine, repeat
from bench.steps import Steps, graph
from bench.streams import INCREMENT, SEED, prepare_stream

RESULTS = REPO / "bench" / "results"
DOCS = REPO / "docs" / "performance.md"


def main() -> int:
    args = _parser().parse_args()
    try:
        results = run(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    report.print_report(results)
    written = report.write(results, args.results)
    if args.results.resolve() == RESULTS:
        report.update_docs(DOCS, report.summary_markdown(results))
        written.append(DOCS)
    print("\nwritten: " + ", ".join(str(path) for path in written))
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every step over the repeats, the checks, and the goals' verdicts, as results.json holds them."""
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(sys.argv[1:]),
        "git_commit": git_commit(),
        "machine": machine(),
        "load_average_before": round(os.getloadavg()[0], 2),
        "settings": {"network": args.network, "events": args.events, "repeat": args.repeat, "seed": SEED,
                     "increment": INCREMENT, "graph_transfers": args.graph_transfers},
    }
    stream = prepare_stream(args.network, args.events, args.work / "streams")
    print(f"\n== {stream.events:,} events ({stream.blocks:,} blocks, {stream.bytes / 1e6:,.0f} MB), "
          f"{args.repeat} repeat(s) ==", file=sys.stderr)
    steps = Steps(args.work, args.network)
    steps.warm_up()
    repeats = repeat(args.repeat, lambda: steps.one_repeat(stream))
    results.update({"stream": stream.as_json(), "load_averages": repeats.load_averages,
                    "steps": repeats.summary(), "agreement": steps.agreement(stream.last_height)})
    if args.graph_transfers:
        print(f"\n== bench_graph: {args.graph_transfers:,} synthetic transfers ==", file=sys.stderr)
    results["graph"] = graph(args.graph_transfers, args.work, not args.no_louvain) if args.graph_transfers else None
    results["load_average_after"] = round(os.getloadavg()[0], 2)
    goals = verdicts(results["steps"], stream.events, args.events, results["graph"])
    results["goals"] = [goal.as_json() for goal in goals]
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000, help="stream size in events (default 200000)")
    parser.add_argument("--network", default="torus", choices=sorted(EVENTS_PER_BLOCK))
    parser.add_argument("--repeat", type=int, default=3, help="repeats of every step (default 3)")
    parser.add_argument("--graph-transfers", type=int, default=1_000_000, metavar="N",
                        help="synthetic transfers of the money-flow benchmark (default 1000000; 0: skip it)")
    parser.add_argument("--no-louvain", action="store_true", help="skip networkx's Louvain (minutes at 1M)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "substrate-flows-bench",
                        help="streams cache and chDB folders (default $TMPDIR/substrate-flows-bench)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder of results.json, summary.md and chart.png (default bench/results)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
