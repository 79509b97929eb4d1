"""End-to-end benchmark, ours against the original approach, side by side in one run: `make bench`.

    make bench                                          # ~200,000 events, 3 repeats
    make bench BENCH_ARGS="--events 1000000 5000000"    # larger sizes (100k .. 5M events)
    .venv/bin/python -m bench.run --events 100000 --repeat 1 --no-tests

Input: for each size, a deterministic synthetic stream (`substrate-loader generate`, seed 42) of
about that many events, plus 1% more blocks right after it (the same stream generated 1% longer
and cut in two, so the increment continues the heights, times and accounts of the base file).
Streams are cached in --work (keyed by network, size, seed and
the generator's source). Each repeat starts from an empty chDB folder and runs the real
commands as child processes, each timed wall-clock from start to exit (interpreter, chDB and
dbt start-up included; dbt's partial parse is warmed once before), with its peak RSS:

  load                 substrate-loader load --network N base.ndjson      (NDJSON -> raw tables)
  full_build           dbt build --exclude-resource-type test unit_test   (seeds + every model)
  balance_transfers    dbt run --select +balance_transfers --full-refresh
  graph_refresh        dbt run --select tag:money_flow --full-refresh     (edges .. embeddings)
  load_increment       substrate-loader load --network N increment.ndjson (+1% blocks)
  incremental_build    dbt build ... --exclude tag:graph_analytics        (what runs per new load)
  incremental_graph    dbt build ... --select tag:graph_analytics         (scheduled separately)
  incremental_tables   dbt run of the table and incremental models only, graph analytics apart
                       (seeds and views do not change with the data: not re-created per load)
  incremental_in_process  the per-load models through loader/dbt_runner.py in one process, dbt
                       already imported, parsed and connected, as `substrate-loader follow` runs
                       them after each batch (the +1% loaded in that process, then the run timed)
  baseline             python -m bench.baseline (file -> transfers table, its own chDB folder)

The two last variants start again from a copy of the database taken before the +1% load, so all
three per-load variants take in the same blocks. After the last repeat, once: `dbt test` (data
and unit tests, timed apart from the build), a check that the baseline's rows equal our `Balances.Transfer` rows (count, amounts, fees), and
the modularity of our communities against networkx's Louvain (bench/bench_graph.py).
Figures: best and median over the repeats; ratios from the medians of this one run. A dbt step's
own time is given two ways, both without dbt's start-up: the sum of its models' execution times,
and the span from the first model's start to the last one's end (models run side by side by the
two dbt threads counted once). Goals are checked on the largest size and printed PASS or MISS.
Results: a table on the terminal, bench/results/results.json (with the machine) and
bench/results/chart.png.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import loader.generate
import loader.synthetic
from bench.bench_load import EVENTS_PER_BLOCK

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench" / "results"
FLOWS = "substrate_flows"
SEED = 42
INCREMENT = 0.01
NO_TESTS = ["--exclude-resource-type", "test", "unit_test"]
PER_LOAD_TABLES = ["--select", "config.materialized:incremental", "config.materialized:table",
                   "--exclude", "tag:graph_analytics"]
GIB_MIB = 1024.0


class BenchError(RuntimeError):
    pass


# ----- the run ------------------------------------------------------------------------------------

def main() -> int:
    args = _parser().parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(sys.argv[1:]),
        "git_commit": _git_commit(),
        "machine": machine(),
        "load_average_before": list(os.getloadavg()),
        "settings": {"network": args.network, "repeat": args.repeat, "seed": SEED, "increment": INCREMENT},
        "sizes": [],
    }
    bench = Bench(work, args.network)
    try:
        bench.warm_up()
        for events in sorted(args.events):
            stream = prepare_stream(args.network, events, work / "streams")
            print(f"\n== {stream.events:,} events ({stream.blocks:,} blocks, {stream.megabytes:,.0f} MB), "
                  f"{args.repeat} repeat(s) ==", file=sys.stderr)
            results["sizes"].append(bench.measure(stream, args.repeat, tests=not args.no_tests,
                                                  louvain=not args.no_louvain))
        results["synthetic_graph"] = synthetic_graph(args.graph_transfers, work) if args.graph_transfers else None
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    results["load_average_after"] = list(os.getloadavg())
    results["goals"] = goals(results["sizes"][-1], results["synthetic_graph"])
    print_report(results)
    out: Path = args.results
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    draw_chart(results, out / "chart.png")
    (out / "summary.md").write_text(markdown_summary(results))
    print(f"\nwritten: {out / 'results.json'}, {out / 'chart.png'}, {out / 'summary.md'}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[200_000],
                        help="stream sizes in events, e.g. 100000 1000000 5000000 (default 200000)")
    parser.add_argument("--network", default="torus", choices=sorted(EVENTS_PER_BLOCK))
    parser.add_argument("--repeat", type=int, default=3, help="repeats of every step (default 3)")
    parser.add_argument("--no-tests", action="store_true", help="skip the separate `dbt test`")
    parser.add_argument("--no-louvain", action="store_true", help="skip the modularity comparison")
    parser.add_argument("--graph-transfers", type=int, default=0, metavar="N",
                        help="also run bench/bench_graph.py's synthetic money-flow graph of N transfers "
                             "(e.g. 1000000 for the 60 s goal; Louvain skipped there; default: off)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "substrate-flows-bench",
                        help="streams cache and chDB folders (default $TMPDIR/substrate-flows-bench)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where results.json, summary.md and chart.png go (default bench/results)")
    return parser


# ----- input streams ------------------------------------------------------------------------------

@dataclass
class Stream:
    base: Path
    increment: Path
    blocks: int
    events: int
    bytes: int
    last_height: int
    increment_blocks: int
    increment_events: int

    @property
    def megabytes(self) -> float:
        return self.bytes / 1e6

    def as_json(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Path) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, fields: dict[str, Any]) -> Stream:
        return cls(**{k: Path(v) if k in ("base", "increment") else v for k, v in fields.items()})


def prepare_stream(network: str, events: int, folder: Path) -> Stream:
    """Base file of about `events` events and its +1% continuation, generated once and cached."""
    blocks = max(100, round(events / EVENTS_PER_BLOCK[network]))
    extra = max(1, round(blocks * INCREMENT))
    # The generator's own source is part of the cache key: a changed generator makes new streams.
    sources = [Path(loader.generate.__file__), *sorted(Path(loader.synthetic.__file__).parent.glob("*.py"))]
    generator = hashlib.sha1(b"".join(path.read_bytes() for path in sources)).hexdigest()[:8]
    name = f"{network}-{blocks}-seed{SEED}-{generator}"
    meta = folder / f"{name}.json"
    if meta.exists():
        return Stream.from_json(json.loads(meta.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / f"{name}-whole.ndjson"
    started = time.perf_counter()
    done = _run([str(BIN / "substrate-loader"), "generate", "--network", network, "--blocks", str(blocks + extra),
                 "--seed", str(SEED), str(whole)], os.environ.copy())
    total_events = int(re.search(r"(\d+) events", done.stderr).group(1))  # type: ignore[union-attr]
    base, increment = folder / f"{name}.ndjson", folder / f"{name}-increment.ndjson"
    increment_events, last_height = _split(whole, blocks, base, increment)
    whole.unlink()
    stream = Stream(base, increment, blocks, total_events - increment_events, base.stat().st_size, last_height,
                    extra, increment_events)
    meta.write_text(json.dumps(stream.as_json()))
    print(f"generated {base.name} (+{extra} blocks) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return stream


def _split(whole: Path, blocks: int, base: Path, increment: Path) -> tuple[int, int]:
    """First `blocks` lines to `base`, the rest to `increment`: (events in increment, last base height)."""
    increment_events, last_line = 0, b""
    with whole.open("rb") as lines, base.open("wb") as head, increment.open("wb") as tail:
        for number, line in enumerate(lines):
            if number < blocks:
                head.write(line)
                last_line = line
            else:
                tail.write(line)
                increment_events += len(json.loads(line)["events"])
    return increment_events, json.loads(last_line)["block_height"]


# ----- timed child processes ----------------------------------------------------------------------

@dataclass
class Timed:
    seconds: float
    cpu_seconds: float  # user + system: less sensitive than wall-clock to what else runs
    peak_rss_mib: float
    stdout: str
    stderr: str
    returncode: int


def run_timed(cmd: list[str], env: dict[str, str]) -> Timed:
    """Wall-clock, CPU time and peak RSS (wait4 of this one child) of a command."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Timed(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode(errors="replace"),
                     err.read().decode(errors="replace"), child.returncode)


def _run(cmd: list[str], env: dict[str, str]) -> Timed:
    done = run_timed(cmd, env)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


# ----- measuring one size -------------------------------------------------------------------------

@dataclass
class Step:
    """One measured step over the repeats."""

    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    # dbt: sum of the nodes' execution times (dbt start-up excluded); load: the loader's own timing
    model_seconds: list[float] = field(default_factory=list)
    # dbt: from the first node's start to the last node's end (start-up excluded, nodes that ran side
    # by side counted once)
    span_seconds: list[float] = field(default_factory=list)

    def add(self, timed: Timed, model_seconds: float | None = None, span_seconds: float | None = None) -> None:
        self.seconds.append(timed.seconds)
        self.cpu_seconds.append(timed.cpu_seconds)
        self.peak_rss_mib.append(timed.peak_rss_mib)
        if model_seconds is not None:
            self.model_seconds.append(model_seconds)
        if span_seconds is not None:
            self.span_seconds.append(span_seconds)


class Bench:
    def __init__(self, work: Path, network: str):
        self.network = network
        self.chdb, self.baseline_chdb = work / "chdb", work / "baseline-chdb"
        self.target = work / "target"
        # One chDB path and target folder for every dbt call: dbt's partial parse stays valid.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("FLOWS_", "DBT_"))}
        self.env.update({"FLOWS_CHDB_PATH": str(self.chdb), "DBT_TARGET_PATH": str(self.target),
                         "DBT_LOG_PATH": str(work / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                         "DBT_USE_COLORS": "false"})

    def warm_up(self) -> None:
        _run(self._dbt("parse"), self.env)

    def _dbt(self, *args: str) -> list[str]:
        return [str(BIN / "dbt"), *args, "--project-dir", str(REPO), "--profiles-dir", str(REPO)]

    def load_step(self, step: Step, path: Path) -> None:
        """Runs one load into `step`, with the loader's own timing (start-up excluded) as model time."""
        done = _run([str(BIN / "substrate-loader"), "load", "--network", self.network, str(path)], self.env)
        reported = re.search(r"([\d.]+) s, [\d,]+ events/s", done.stderr)
        step.add(done, float(reported.group(1)) if reported else None)

    def dbt_step(self, step: Step, *args: str) -> dict[str, float]:
        """Runs one dbt command into `step`; returns each node's execution time."""
        done = _run(self._dbt(*args), self.env)
        nodes = node_seconds(self.target)
        step.add(done, sum(nodes.values()), nodes_span(self.target))
        return nodes

    @staticmethod
    def _copy_database(source: Path, destination: Path) -> None:
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(source, destination, symlinks=True)  # chDB keeps relative links to store/

    def in_process_step(self, step: Step, increment: Path) -> dict[str, float]:
        """The per-load models run as `substrate-loader follow` runs them (loader/dbt_runner.py): a
        child process starts dbt, parses and runs once (nothing new: the warm-up a follower has
        behind it), loads the +1% through the loader API, then the timed run. Step seconds: that
        run alone; CPU and RSS: the whole child."""
        done = _run([sys.executable, "-c", "import sys; from bench.run import follow_increment; "
                     "follow_increment(*sys.argv[1:])", str(self.chdb), self.network, str(increment),
                     " ".join(per_load_models(self.target))], self.env)
        reported = json.loads(done.stdout.strip().splitlines()[-1])
        nodes = node_seconds(self.target)
        step.add(Timed(reported["run_seconds"], done.cpu_seconds, done.peak_rss_mib, "", "", 0), sum(nodes.values()),
                 nodes_span(self.target))
        return nodes

    def measure(self, stream: Stream, repeat: int, tests: bool, louvain: bool) -> dict[str, Any]:
        load_average = os.getloadavg()[0]
        steps = {name: Step() for name in ("load", "full_build", "balance_transfers", "graph_refresh",
                                           "load_increment", "incremental_build", "incremental_graph",
                                           "incremental_tables", "incremental_in_process", "baseline")}
        graph_analytics_seconds: list[float] = []  # the tag:graph_analytics models inside graph_refresh
        baseline_run: dict[str, Any] = {}
        full_build_nodes: dict[str, float] = {}
        incremental_nodes: dict[str, float] = {}
        in_process_nodes: dict[str, float] = {}
        before_increment = self.chdb.with_name("chdb-before-increment")
        for number in range(1, repeat + 1):
            print(f"  repeat {number}/{repeat}", file=sys.stderr)
            shutil.rmtree(self.chdb, ignore_errors=True)
            shutil.rmtree(self.baseline_chdb, ignore_errors=True)
            self.load_step(steps["load"], stream.base)
            full_build_nodes = self.dbt_step(steps["full_build"], "build", *NO_TESTS)
            self.dbt_step(steps["balance_transfers"], "run", "--select", "+balance_transfers", "--full-refresh")
            nodes = self.dbt_step(steps["graph_refresh"], "run", "--select", "tag:money_flow", "--full-refresh")
            tagged = graph_analytics_models(self.target)
            graph_analytics_seconds.append(sum(v for k, v in nodes.items() if k in tagged))
            self._copy_database(self.chdb, before_increment)
            self.load_step(steps["load_increment"], stream.increment)
            incremental_nodes = self.dbt_step(steps["incremental_build"], "build", *NO_TESTS,
                                              "--exclude", "tag:graph_analytics")
            self.dbt_step(steps["incremental_graph"], "build", *NO_TESTS, "--select", "tag:graph_analytics")
            # The same +1% again from the copy: only the tables, then in-process as `follow` runs it.
            self._copy_database(before_increment, self.chdb)
            self.load_step(Step(), stream.increment)
            self.dbt_step(steps["incremental_tables"], "run", *PER_LOAD_TABLES)
            self._copy_database(before_increment, self.chdb)
            in_process_nodes = self.in_process_step(steps["incremental_in_process"], stream.increment)
            done = _run([sys.executable, "-m", "bench.baseline", "--network", self.network,
                         "--chdb-path", str(self.baseline_chdb), str(stream.base)], self.env)
            steps["baseline"].add(done)
            baseline_run = json.loads(done.stdout.strip().splitlines()[-1])
        size: dict[str, Any] = {
            "stream": stream.as_json(),
            "load_average": [round(load_average, 2), round(os.getloadavg()[0], 2)],  # at start and end
            "steps": {name: summarize(step) for name, step in steps.items()},
            "graph_analytics_model_seconds": stats(graph_analytics_seconds),
            # Where the time goes (last repeat): what limits it.
            "slowest_models_full_build": slowest(full_build_nodes),
            "slowest_models_incremental_build": slowest(incremental_nodes),
            # Every model's execution time (last repeat), full build and per-load variants.
            "models_full_build": rounded(full_build_nodes),
            "models_incremental_build": rounded(incremental_nodes),
            "models_incremental_in_process": rounded(in_process_nodes),
        }
        shutil.rmtree(before_increment, ignore_errors=True)
        size["tests"] = self.run_tests() if tests else None
        size["counts"] = our_counts(self.chdb, stream.last_height)
        size["baseline_agreement"] = baseline_agreement(size["counts"], self.baseline_chdb, baseline_run)
        size["modularity"] = modularity(self.chdb) if louvain else None
        size["figures"] = figures(stream, size["steps"])
        return size

    def run_tests(self) -> dict[str, Any]:
        done = run_timed(self._dbt("test"), self.env)
        statuses = [r["status"] for r in json.loads((self.target / "run_results.json").read_text())["results"]]
        return {"seconds": done.seconds, "passed": statuses.count("pass"),
                "failed": sum(s in ("fail", "error") for s in statuses), "warned": statuses.count("warn")}


def follow_increment(chdb: str, network: str, increment: str, models: str) -> None:
    """Child of in_process_step: prints {"warm_up_seconds", "load_seconds", "run_seconds"}."""
    from loader.api import load_files
    from loader.connection import connect
    from loader.dbt_runner import DbtSelection

    client = connect(chdb_path=chdb)
    try:
        selection = DbtSelection(models, REPO, REPO)
        warm_up = selection.run(client)
        started = time.perf_counter()
        load_files(client, network, [increment])
        loaded = time.perf_counter() - started
        seconds = selection.run(client)
    finally:
        client.close()
    print(json.dumps({"warm_up_seconds": warm_up, "load_seconds": loaded, "run_seconds": seconds}))


def per_load_models(target: Path) -> list[str]:
    """The table and incremental models but the graph analytics: what takes in each load (views and
    seeds do not change with the data), the same set as PER_LOAD_TABLES selects."""
    nodes = json.loads((target / "manifest.json").read_text())["nodes"].values()
    return sorted(node["name"] for node in nodes if node["resource_type"] == "model"
                  and node["config"]["materialized"] in ("table", "incremental")
                  and "graph_analytics" not in node.get("tags", []))


def rounded(nodes: dict[str, float]) -> dict[str, float]:
    return {node.split(".")[-1]: round(seconds, 3) for node, seconds in sorted(nodes.items(), key=lambda item: -item[1])}


def node_seconds(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["execution_time"] for r in results}


def nodes_span(target: Path) -> float:
    """Seconds from the first node's start (compiling) to the last node's end, from run_results.json."""
    timings = [t for r in json.loads((target / "run_results.json").read_text())["results"] for t in r["timing"]]
    starts = [datetime.fromisoformat(t["started_at"].rstrip("Z")) for t in timings if t.get("started_at")]
    ends = [datetime.fromisoformat(t["completed_at"].rstrip("Z")) for t in timings if t.get("completed_at")]
    return (max(ends) - min(starts)).total_seconds()


def slowest(nodes: dict[str, float], count: int = 6) -> list[tuple[str, float]]:
    ranked = sorted(nodes.items(), key=lambda item: -item[1])[:count]
    return [(node.split(".")[-1], round(seconds, 2)) for node, seconds in ranked]


def graph_analytics_models(target: Path) -> set[str]:
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    return {key for key, node in nodes.items() if "graph_analytics" in node.get("tags", [])}


def stats(values: list[float]) -> dict[str, Any] | None:
    if not values:
        return None
    return {"all": [round(v, 3) for v in values], "best": round(min(values), 3),
            "median": round(statistics.median(values), 3)}


def summarize(step: Step) -> dict[str, Any]:
    return {"seconds": stats(step.seconds), "cpu_seconds": stats(step.cpu_seconds), "model_seconds": stats(step.model_seconds),
            "span_seconds": stats(step.span_seconds),
            "peak_rss_mib": round(max(step.peak_rss_mib), 1) if step.peak_rss_mib else None}


# ----- checks on the built tables (each chDB folder opened, read and closed in turn) --------------

def _rows(chdb: Path, sql: str) -> list[tuple[Any, ...]]:
    import clickhouse_connect

    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb))
    try:
        return [tuple(row) for row in client.query(sql).result_rows]
    finally:
        client.close()


def our_counts(chdb: Path, last_height: int) -> dict[str, Any]:
    """Rows of the base blocks (the increment excluded) in balance_transfers, and the graph's size."""
    (transfers, balances, amount, fee), = _rows(chdb, f"""
        select count(), countIf(transfer_type = 'transfer'), toString(sumIf(amount, transfer_type = 'transfer')),
               toString(sumIf(fee, transfer_type = 'transfer'))
        from {FLOWS}.balance_transfers where block_height <= {last_height}""")
    (edges, addresses), = _rows(chdb, f"select (select count() from {FLOWS}.money_flow_edges),"
                                      f" (select count() from {FLOWS}.money_flow_addresses)")
    return {"transfers": transfers, "balances_transfer_rows": balances, "balances_transfer_amount": amount,
            "balances_transfer_fee": fee, "graph_edges_after_increment": edges,
            "graph_addresses_after_increment": addresses}


def baseline_agreement(counts: dict[str, Any], chdb: Path, run: dict[str, Any]) -> dict[str, Any]:
    (rows, amount, fee), = _rows(chdb, "select count(), toString(sum(amount)), toString(sum(fee))"
                                       " from baseline.balance_transfers final")
    ours = (counts["balances_transfer_rows"], counts["balances_transfer_amount"], counts["balances_transfer_fee"])
    return {"rows": rows, "amount": amount, "fee": fee, "inserted": run.get("transfers"),
            "equal_to_ours": (rows, amount, fee) == ours}


def modularity(chdb: Path) -> dict[str, float]:
    from bench.bench_graph import compare_modularity

    return compare_modularity(chdb)


def synthetic_graph(transfers: int, work: Path) -> dict[str, Any]:
    """bench/bench_graph.py (its synthetic balance_transfers, then the money-flow full refresh), as a child."""
    print(f"\n== bench_graph: {transfers:,} synthetic transfers ==", file=sys.stderr)
    out = work / "bench_graph.json"
    _run([sys.executable, "-m", "bench.bench_graph", "--transfers", str(transfers), "--no-louvain",
          "--work", str(work / "bench_graph"), "--json", str(out)], os.environ.copy())
    return json.loads(out.read_text())


# ----- figures and goals --------------------------------------------------------------------------

def figures(stream: Stream, steps: dict[str, Any]) -> dict[str, Any]:
    """Events/s (median and best) per stage and the ratios to the baseline, from this run."""
    def seconds(names: tuple[str, ...], kind: str, measure: str = "seconds") -> float | None:
        values = [steps[name][measure] for name in names]
        return None if None in values else sum(value[kind] for value in values)

    baseline_rate = stream.events / seconds(STAGES["baseline"], "median")  # type: ignore[operator]
    out: dict[str, Any] = {}
    for stage, names in STAGES.items():
        median, best = seconds(names, "median"), seconds(names, "best")
        own = seconds(names, "median", "model_seconds")
        cpu = seconds(names, "median", "cpu_seconds")
        rate = stream.events / median  # type: ignore[operator]
        out[stage] = {"median_seconds": round(median, 3), "best_seconds": round(best, 3),  # type: ignore[arg-type]
                      "events_per_s_median": round(rate), "events_per_s_best": round(stream.events / best),  # type: ignore[operator]
                      "x_baseline": round(rate / baseline_rate, 2), "cpu_seconds_median": round(cpu, 3),  # type: ignore[arg-type]
                      "own_seconds_median": round(own, 3) if own is not None else None,
                      "events_per_s_own_median": round(stream.events / own) if own else None}
    out["load"]["mb_per_s_median"] = round(stream.megabytes / out["load"]["median_seconds"], 1)
    full = out["full_build"]["median_seconds"]
    full_models = out["full_build"]["own_seconds_median"]
    per_load = seconds(("incremental_build",), "median")
    graph = seconds(("incremental_graph",), "median")
    tables = seconds(("incremental_tables",), "median")
    in_process = seconds(("incremental_in_process",), "median")
    per_load_own = seconds(("incremental_build",), "median", "model_seconds")
    in_process_own = seconds(("incremental_in_process",), "median", "model_seconds")
    in_process_span = seconds(("incremental_in_process",), "median", "span_seconds")
    full_span = seconds(("full_build",), "median", "span_seconds")
    out["incremental"] = {
        "without_graph_analytics_fraction": round(per_load / full, 4),  # type: ignore[operator]
        "all_models_fraction": round((per_load + graph) / full, 4),  # type: ignore[operator]
        # dbt start-up excluded on both sides: the models' execution times (sums over nodes)
        "models_fraction": round(per_load_own / full_models, 4),  # type: ignore[operator]
        "tables_run_fraction": round(tables / full, 4),  # type: ignore[operator]
        "in_process_models_fraction": round(in_process_own / full_models, 4),  # type: ignore[operator]
        "in_process_seconds": round(in_process, 3),  # type: ignore[arg-type]
        # dbt start-up excluded on both sides, models that ran side by side counted once
        "in_process_span_fraction": round(in_process_span / full_span, 4),  # type: ignore[operator]
        "in_process_span_seconds": round(in_process_span, 3),  # type: ignore[arg-type]
        "full_build_span_seconds": round(full_span, 3),  # type: ignore[arg-type]
    }
    return out


def goals(size: dict[str, Any], graph: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The issues' goals on the largest size, each PASS or MISS with its figure. Times are the whole
    command's wall-clock (what users get); where start-up is a large part, the line says so."""
    f, steps = size["figures"], size["steps"]
    transfers = size["counts"]["transfers"]
    load, bt, inc = f["load"], f["balance_transfers"], f["incremental"]
    graph_seconds = steps["graph_refresh"]["seconds"]["median"]
    checks: list[tuple[str, float, str, bool | None]] = [
        (f"loading >= 1,000,000 events/s (whole substrate-loader command; the loader's own timing: "
         f"{load['events_per_s_own_median'] or 0:,} events/s)", load["events_per_s_median"], "events/s",
         load["events_per_s_median"] >= 1_000_000),
        ("balance_transfers >= 1,000,000 raw events/s through the models (their execution time)",
         bt["events_per_s_own_median"], "events/s", bt["events_per_s_own_median"] >= 1_000_000),
        ("balance_transfers >= 1,000,000 raw events/s, whole `dbt run` command (dbt start-up included)",
         bt["events_per_s_median"], "events/s", bt["events_per_s_median"] >= 1_000_000),
        ("end-to-end (file -> all marts) >= 5x baseline (file -> transfers table)",
         f["end_to_end_all_marts"]["x_baseline"], "x", f["end_to_end_all_marts"]["x_baseline"] >= 5),
        ("incremental +1% <= 10% of the full build (per-load models; tag:graph_analytics apart)",
         100 * inc["without_graph_analytics_fraction"], "%", inc["without_graph_analytics_fraction"] <= 0.10),
        ("incremental +1% <= 10% of the full build (every model, tag:graph_analytics included)",
         100 * inc["all_models_fraction"], "%", inc["all_models_fraction"] <= 0.10),
        ("incremental +1% <= 10% of the full build, `dbt run` of the per-load tables and incremental models "
         "(seeds and views not re-created; whole command)", 100 * inc["tables_run_fraction"], "%",
         inc["tables_run_fraction"] <= 0.10),
        ("incremental +1% <= 10% of the full build, models' execution time (dbt start-up excluded on both "
         "sides; per-load `dbt build`)", 100 * inc["models_fraction"], "%", inc["models_fraction"] <= 0.10),
        (f"incremental +1% <= 10% of the full build, in-process as `follow` runs it (dbt started; models' "
         f"execution time against the full build's; the run took {inc['in_process_seconds']:.2f} s wall)",
         100 * inc["in_process_models_fraction"], "%", inc["in_process_models_fraction"] <= 0.10),
        (f"incremental +1% <= 10% of the full build, in-process as `follow` runs it, from the first model's "
         f"start to the last one's end on both sides (dbt start-up excluded, models run side by side counted "
         f"once: {inc['in_process_span_seconds']:.2f} s against {inc['full_build_span_seconds']:.2f} s)",
         100 * inc["in_process_span_fraction"], "%", inc["in_process_span_fraction"] <= 0.10),
        ("loader peak RSS < 1 GiB (largest file)", steps["load"]["peak_rss_mib"], "MiB",
         steps["load"]["peak_rss_mib"] < GIB_MIB),
        (f"money-flow full refresh < 60 s at 1M transfers (this stream: {transfers:,} transfers)",
         graph_seconds, "s", graph_seconds < 60 if transfers >= 1_000_000 else None),
    ]
    if graph:
        checks.append((f"money-flow full refresh < 60 s, bench_graph's synthetic graph of {graph['transfers']:,} "
                       f"transfers ({graph['addresses']:,} addresses)", graph["wall_seconds"], "s",
                       graph["wall_seconds"] < 60 if graph["transfers"] >= 1_000_000 else None))
    if size["modularity"]:
        ratio = size["modularity"]["ratio"]
        checks.append(("community modularity >= 0.9 of networkx Louvain's", ratio, "x", ratio >= 0.9))
    not_checked = "NOT CHECKED (fewer than 1M transfers)"
    return [{"goal": goal, "value": round(value, 3), "unit": unit,
             "status": "PASS" if ok else "MISS" if ok is not None else not_checked}
            for goal, value, unit, ok in checks]


# ----- output -------------------------------------------------------------------------------------

# Stages of the table and chart: the steps whose times add up to each.
STAGES = {
    "load": ("load",),
    "balance_transfers": ("balance_transfers",),
    "full_build": ("full_build",),
    "end_to_end_balance_transfers": ("load", "balance_transfers"),
    "end_to_end_all_marts": ("load", "full_build"),
    "baseline": ("baseline",),
}
STAGE_LABELS = {
    "load": "load (NDJSON -> raw tables)",
    "balance_transfers": "dbt: +balance_transfers",
    "full_build": "dbt: full build (no tests)",
    "end_to_end_balance_transfers": "end-to-end: file -> balance_transfers",
    "end_to_end_all_marts": "end-to-end: file -> all marts",
    "baseline": "BASELINE: file -> transfers (Python loop)",
}
OTHER_STEPS = {
    "graph_refresh": "dbt: money-flow full refresh",
    "load_increment": "+1% blocks: load",
    "incremental_build": "+1%: dbt build, graph analytics apart",
    "incremental_graph": "+1%: dbt build tag:graph_analytics",
    "incremental_tables": "+1%: dbt run, tables only (no seeds/views)",
    "incremental_in_process": "+1%: in-process run (follow), dbt started",
}


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(f"\nmachine: {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, "
          f"chDB {m['versions']['chdb']}, dbt-core {m['versions']['dbt-core']}; load average before "
          f"{results['load_average_before'][0]:.2f}, after {results['load_average_after'][0]:.2f}")
    for size in results["sizes"]:
        s, steps, f = size["stream"], size["steps"], size["figures"]
        print(f"\n{s['events']:,} events, {s['blocks']:,} blocks, {s['bytes'] / 1e6:,.0f} MB "
              f"({results['settings']['network']}, {len(steps['load']['seconds']['all'])} repeat(s)); "
              f"{size['counts']['transfers']:,} transfers; load average {size['load_average'][0]:.1f} at the "
              f"start, {size['load_average'][1]:.1f} at the end")
        print(f"  {'stage':42s} {'best s':>7s} {'median s':>8s} {'own s':>7s} {'CPU s':>7s} {'events/s':>10s} "
              f"{'x baseline':>10s} {'peak RSS':>9s}")
        for stage, label in STAGE_LABELS.items():
            row, names = f[stage], STAGES[stage]
            rss = steps[names[0]]["peak_rss_mib"] if len(names) == 1 else None
            own = f"{row['own_seconds_median']:7.2f}" if row["own_seconds_median"] is not None else ""
            print(f"  {label:42s} {row['best_seconds']:7.2f} {row['median_seconds']:8.2f} {own:>7s} "
                  f"{row['cpu_seconds_median']:7.2f} "
                  f"{row['events_per_s_median']:10,} {row['x_baseline']:10.2f} {f'{rss:,.0f} MiB' if rss else '':>9s}")
        for name, label in OTHER_STEPS.items():
            t, own, cpu = steps[name]["seconds"], steps[name]["model_seconds"], steps[name]["cpu_seconds"]
            print(f"  {label:42s} {t['best']:7.2f} {t['median']:8.2f} {own['median'] if own else 0:7.2f} "
                  f"{cpu['median']:7.2f}")
        print("  (own s: dbt = sum of the models' execution times, dbt start-up excluded; load = the loader's "
              "own timing, interpreter and chDB start-up excluded. CPU s: user + system of the process(es))")
        inc = f["incremental"]
        print(f"  load: {f['load']['mb_per_s_median']} MB/s. Incremental +1% as a fraction of the full build: "
              f"{100 * inc['without_graph_analytics_fraction']:.1f}% (graph analytics apart), "
              f"{100 * inc['all_models_fraction']:.1f}% (every model), "
              f"{100 * inc['tables_run_fraction']:.1f}% (`dbt run` of the tables); models' execution time: "
              f"{100 * inc['models_fraction']:.1f}% (`dbt build`), {100 * inc['in_process_models_fraction']:.1f}% "
              f"(in-process, {inc['in_process_seconds']:.2f} s wall); first model's start to last one's end: "
              f"{100 * inc['in_process_span_fraction']:.1f}% (in-process)")
        print(f"  graph_analytics models in the money-flow refresh: {size['graph_analytics_model_seconds']['median']:.2f} s; "
              f"graph: {size['counts']['graph_addresses_after_increment']:,} addresses, "
              f"{size['counts']['graph_edges_after_increment']:,} edges")
        for build in ("full", "incremental"):
            slow = ", ".join(f"{name} {sec:.1f} s" for name, sec in size[f"slowest_models_{build}_build"])
            print(f"  slowest models of the {build} build: {slow}")
        if size["tests"]:
            t = size["tests"]
            print(f"  dbt test (once, not in the build times): {t['seconds']:.1f} s, {t['passed']} passed, "
                  f"{t['failed']} failed, {t['warned']} warned")
        agree = size["baseline_agreement"]
        print(f"  baseline rows equal our Balances.Transfer rows (count, sum of amounts, sum of fees): "
              f"{'yes' if agree['equal_to_ours'] else 'NO'} ({agree['rows']:,} rows)")
        if size["modularity"]:
            mod = size["modularity"]
            print(f"  modularity: ours {mod['ours']:.4f}, networkx Louvain {mod['louvain']:.4f}: ratio {mod['ratio']:.3f}")
    graph = results["synthetic_graph"]
    if graph:
        print(f"\nbench_graph synthetic graph (once): {graph['transfers']:,} transfers, {graph['addresses']:,} addresses, "
              f"{graph['edges']:,} edges, {graph['communities']:,} communities; edges + address statistics "
              f"{graph['edges_and_address_stats_seconds']:.1f} s, PageRank {graph['page_rank_seconds']:.1f} s, "
              f"communities {graph['community_seconds']:.1f} s; full refresh {graph['models_seconds']:.1f} s in models, "
              f"{graph['wall_seconds']:.1f} s wall; PageRank max |difference| to networkx "
              f"{graph['page_rank_max_difference']:.1e}")
    print(f"\nWhat each side does. Ours: {OURS}\nBaseline: {BASELINE}")
    print(f"\ngoals (largest size, {results['sizes'][-1]['stream']['events']:,} events):")
    for goal in results["goals"]:
        print(f"  {goal['status']:4s}  {goal['goal']}: {goal['value']:,} {goal['unit']}")


OURS = ("substrate-loader lands every block, extrinsic and event in the raw tables (checked, "
        "quarantine, replay-safe commit markers); dbt then applies every network rule (transfers, staking, "
        "rewards, fees, failed extrinsics, rejections) into balance_transfers, and the full build adds the "
        "statistics, volume and address marts and the money-flow graph (edges, communities, PageRank, embeddings).")
BASELINE = ("one Python process reads the same file, json.loads per block, keeps Balances.Transfer outside "
            "failed extrinsics with its fee, and inserts with clickhouse-connect every 100 blocks into one "
            "table on its own chDB folder (bench/baseline.py). No raw data kept, no other rule, no marts.")


def markdown_summary(results: dict[str, Any]) -> str:
    """The figures as Markdown, for the README's Benchmark section."""
    m = results["machine"]
    lines = [f"Measured {results['generated_at']} (commit {results['git_commit']}) on {m['cores']} cores "
             f"{m['cpu_model']}, {m['memory_gib']} GiB, {m['os']}; Python {m['python']}, chDB {m['versions']['chdb']} "
             f"(ClickHouse {m['versions']['chdb-core']}), dbt-core {m['versions']['dbt-core']}, dbt-clickhouse "
             f"{m['versions']['dbt-clickhouse']}. Load average {results['load_average_before'][0]:.1f} before, "
             f"{results['load_average_after'][0]:.1f} after (a shared machine). Command: `{results['command']}`.", ""]
    for size in results["sizes"]:
        s, steps, f = size["stream"], size["steps"], size["figures"]
        lines += [f"**{s['events']:,} events** ({s['blocks']:,} blocks, {s['bytes'] / 1e6:,.0f} MB NDJSON, "
                  f"{size['counts']['transfers']:,} transfers; {len(steps['load']['seconds']['all'])} repeats):", "",
                  "| stage | median s | best s | events/s (median) | x baseline | peak RSS |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for stage, label in STAGE_LABELS.items():
            row, names = f[stage], STAGES[stage]
            rss = steps[names[0]]["peak_rss_mib"] if len(names) == 1 else None
            lines.append(f"| {label} | {row['median_seconds']:.2f} | {row['best_seconds']:.2f} | "
                         f"{row['events_per_s_median']:,} | {row['x_baseline']:.2f} | {f'{rss:,.0f} MiB' if rss else ''} |")
        for name, label in OTHER_STEPS.items():
            t = steps[name]["seconds"]
            lines.append(f"| {label} | {t['median']:.2f} | {t['best']:.2f} | | | |")
        lines += ["", "Models' execution time (s, last repeat; the 15 slowest of the full build and of the +1%):", "",
                  "| model | full build | +1% dbt build | +1% in-process |", "| --- | ---: | ---: | ---: |"]
        full, inc, own = size["models_full_build"], size["models_incremental_build"], size["models_incremental_in_process"]
        for model in dict.fromkeys([*list(full)[:15], *list(inc)[:15]]):
            lines.append(f"| {model} | {_seconds(full.get(model))} | {_seconds(inc.get(model))} | {_seconds(own.get(model))} |")
        lines.append(f"| all models | {sum(full.values()):.2f} | {sum(inc.values()):.2f} | {sum(own.values()):.2f} |")
        lines.append("")
    lines += ["Goals, on the largest size:", ""]
    lines += [f"- **{g['status']}** {g['goal']}: {g['value']:,} {g['unit']}" for g in results["goals"]]
    return "\n".join(lines) + "\n"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def draw_chart(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(STAGE_LABELS)
    sizes = results["sizes"]
    width = 0.8 / len(sizes)
    fig, ax = plt.subplots(figsize=(11, 5.5))
    for i, size in enumerate(sizes):
        rates = [size["figures"][name]["events_per_s_median"] for name in names]
        colors = ["#9e9e9e" if name == "baseline" else f"C{i}" for name in names]
        bars = ax.bar([x + (i - (len(sizes) - 1) / 2) * width for x in range(len(names))], rates, width,
                      color=colors, edgecolor=f"C{i}", label=f"{size['stream']['events']:,} events")
        ax.bar_label(bars, labels=[f"{r / 1e3:,.0f}k" for r in rates], fontsize=7, padding=2)
    ax.axhline(1_000_000, color="black", linestyle="--", linewidth=0.8)
    ax.text(len(names) - 0.5, 1_000_000, " goal 1M events/s (load, balance_transfers)", va="bottom", ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)), [STAGE_LABELS[n].replace(": ", ":\n", 1) for n in names], fontsize=8)
    ax.set_ylabel("raw events per second (median, log scale)")
    m = results["machine"]
    ax.set_title(f"substrate-flows: ours vs the Python-loop baseline (grey), {results['settings']['network']} "
                 f"synthetic\n{m['cores']} cores {m['cpu_model']}, {results['generated_at']}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


# ----- the machine --------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    packages = ("chdb", "chdb-core", "dbt-core", "dbt-clickhouse", "clickhouse-connect", "networkx")
    return {"cpu_model": cpu_model, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "versions": {name: metadata.version(name) for name in packages}}


def _git_commit() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
