"""What the benchmark runs and times: the commands users run, the baseline, and checks of their tables."""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.runner import BIN, REPO, Figures, run_timed
from bench.streams import Stream
from loader.ndjson import DEFAULT_BATCH_BYTES

FLOWS = "substrate_flows"
NO_TESTS = ["--exclude-resource-type", "test", "unit_test"]
# What `substrate-loader follow` runs after each batch (--select, --exclude): the models that hold rows.
# Views need no run per batch, and the global graph analytics run on a schedule.
FOLLOW_SELECT, FOLLOW_EXCLUDE = "config.materialized:incremental config.materialized:table", "tag:graph_analytics"


class Steps:
    """The steps of one repeat on one stream, each command a child process on the bench's own chDB folders."""

    def __init__(self, work: Path, network: str):
        self.network = network
        self.chdb, self.baseline_chdb, self.floor_chdb = work / "chdb", work / "baseline-chdb", work / "floor-chdb"
        self.target = work / "target"
        # One chDB path and target folder for every dbt call keeps dbt's partial parse valid.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("FLOWS_", "DBT_"))}
        self.env.update({"FLOWS_CHDB_PATH": str(self.chdb), "DBT_TARGET_PATH": str(self.target),
                         "DBT_LOG_PATH": str(work / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                         "DBT_USE_COLORS": "false"})

    def warm_up(self) -> None:
        """Parses the project once, so no timed dbt command pays a full parse."""
        run_timed(self._dbt("parse"), self.env)

    def one_repeat(self, stream: Stream) -> Figures:
        """Every timed step, on empty databases: {step: {figure: value}}."""
        for folder in (self.chdb, self.baseline_chdb):
            shutil.rmtree(folder, ignore_errors=True)
        figures: Figures = {"load": self.load(stream.base),
                            "engine_floor": self.floor(stream.base, write=True),
                            "engine_parse_only": self.floor(stream.base, write=False),
                            "full_build": self.full_build()}
        figures["full_build_models"] = model_seconds(self.target)  # where the time goes, model by model
        figures["balance_transfers"] = self.balance_transfers()
        figures["increment"] = self.increment(stream.increment)
        figures["increment_models"] = model_seconds(self.target)
        figures["baseline"] = self.baseline(stream.base)
        figures["end_to_end"] = {"seconds": figures["load"]["seconds"] + figures["balance_transfers"]["seconds"]}
        return figures

    def load(self, path: Path) -> dict[str, float]:
        """`substrate-loader load`, the whole command."""
        return run_timed([str(BIN / "substrate-loader"), "load", "--network", self.network, str(path)],
                         self.env).figures()

    def floor(self, path: Path, write: bool) -> dict[str, float]:
        """bench/load_floor.py on a chDB folder of its own: the least any loader into these tables does."""
        shutil.rmtree(self.floor_chdb, ignore_errors=True)
        flags = [] if write else ["--write-nothing"]
        done = run_timed([sys.executable, "-m", "bench.load_floor", *flags, str(self.floor_chdb), self.network,
                          str(path), str(DEFAULT_BATCH_BYTES)], self.env)
        shutil.rmtree(self.floor_chdb, ignore_errors=True)
        return done.figures()

    def full_build(self) -> dict[str, float]:
        """`dbt build` of every model on the loaded history, tests apart."""
        done = run_timed(self._dbt("build", *NO_TESTS), self.env)
        return {**done.figures(), "span_seconds": models_span(self.target)}

    def balance_transfers(self) -> dict[str, float]:
        """`dbt run --select +balance_transfers --full-refresh`: the models behind balance_transfers."""
        done = run_timed(self._dbt("run", "--select", "+balance_transfers", "--full-refresh"), self.env)
        return {**done.figures(), "models_seconds": sum(model_seconds(self.target).values())}

    def increment(self, path: Path) -> dict[str, float]:
        """The +1% as `substrate-loader follow` takes it in: landed, then the dbt run, in one process
        where dbt has already started and run once. Seconds are that run's alone."""
        done = run_timed([sys.executable, "-c", "import sys; from bench.steps import follow_increment; "
                          "follow_increment(*sys.argv[1:])", str(self.chdb), self.network, str(path)], self.env)
        child = json.loads(done.stdout.strip().splitlines()[-1])
        return {**done.figures(), "seconds": child["run_seconds"], "span_seconds": models_span(self.target),
                "nothing_new_span_seconds": child["nothing_new_span_seconds"]}

    def baseline(self, path: Path) -> dict[str, float]:
        """bench/baseline.py: the original approach, a Python loop from the file to a transfers table."""
        return run_timed([sys.executable, "-m", "bench.baseline", "--network", self.network,
                          "--chdb-path", str(self.baseline_chdb), str(path)], self.env).figures()

    def agreement(self, last_height: int) -> dict[str, Any]:
        """Our Balances.Transfer rows of the base file against the baseline's: count, amounts, fees."""
        (rows, amount, fee), = query(self.chdb, f"""
            select countIf(transfer_type = 'transfer'), toString(sumIf(amount, transfer_type = 'transfer')),
                   toString(sumIf(fee, transfer_type = 'transfer'))
            from {FLOWS}.balance_transfers where block_height <= {last_height}""")
        (base_rows, base_amount, base_fee), = query(
            self.baseline_chdb, "select count(), toString(sum(amount)), toString(sum(fee))"
                                " from baseline.balance_transfers final")
        ours = {"rows": rows, "amount": amount, "fee": fee}
        baseline = {"rows": base_rows, "amount": base_amount, "fee": base_fee}
        return {"ours": ours, "baseline": baseline, "equal": ours == baseline}

    def _dbt(self, *args: str) -> list[str]:
        return [str(BIN / "dbt"), *args, "--project-dir", str(REPO), "--profiles-dir", str(REPO)]


def follow_increment(chdb: str, network: str, increment: str) -> None:
    """Child of Steps.increment: prints {"run_seconds"} of the run after the +1% landed, and the
    span of a run before it with nothing new: the fixed cost of a run, the least any batch takes."""
    from loader.api import load_files
    from loader.connection import connect
    from loader.dbt_runner import DbtSelection

    client = connect(chdb_path=chdb)
    try:
        selection = DbtSelection(FOLLOW_SELECT, REPO, REPO, FOLLOW_EXCLUDE)
        selection.run(client)  # the run a follower has behind it: nothing new, dbt warm
        selection.run(client)  # again, timed: a run's fixed cost
        nothing_new = models_span(selection.run_results.parent)
        load_files(client, network, [Path(increment)])
        seconds = selection.run(client)
    finally:
        client.close()
    print(json.dumps({"run_seconds": seconds, "nothing_new_span_seconds": nothing_new}))


def graph(transfers: int, work: Path, louvain: bool) -> dict[str, Any]:
    """bench/bench_graph.py in a child: the money-flow full refresh on synthetic transfers, and its quality."""
    out = work / "bench_graph.json"
    flags = [] if louvain else ["--no-louvain"]
    run_timed([sys.executable, "-m", "bench.bench_graph", "--transfers", str(transfers), *flags,
               "--work", str(work / "bench_graph"), "--json", str(out)], os.environ.copy())
    return json.loads(out.read_text())


def _model_results(target: Path) -> list[dict[str, Any]]:
    """The models' entries in dbt's last run_results.json (hooks left out)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return [r for r in results if r["unique_id"].startswith("model.")]


def model_seconds(target: Path) -> dict[str, float]:
    """Each model's execution time in dbt's last run."""
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in _model_results(target)}


def models_span(target: Path) -> float:
    """Seconds from the first model's start to the last one's end in dbt's last run: dbt's start-up
    left out, models that ran side by side counted once."""
    timings = [t for r in _model_results(target) for t in r["timing"]]
    starts = [datetime.fromisoformat(t["started_at"].rstrip("Z")) for t in timings if t.get("started_at")]
    ends = [datetime.fromisoformat(t["completed_at"].rstrip("Z")) for t in timings if t.get("completed_at")]
    return (max(ends) - min(starts)).total_seconds()


def query(chdb: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one query on a chDB folder, opened and closed (one process may hold a path at a time)."""
    from loader.connection import connect

    client = connect(chdb_path=str(chdb))
    try:
        return [tuple(row) for row in client.query(sql).result_rows]
    finally:
        client.close()
