"""A speed trick against the plainer SQL it replaces: HEAD and HEAD with a variant patch, side by side.

    .venv/bin/python -m bench.variants                           # every patch in bench/variants/
    .venv/bin/python -m bench.variants --events 1000000 bench/variants/edge_key_hash.patch

Each variant (HEAD itself first) is a clone of HEAD in --work with its patch applied, and its turns
run that clone's code (PYTHONPATH), the loader's included. Turn after turn, each variant runs, on an
empty chDB folder of its own, what the benchmark runs (bench/steps.py): the load, the full build, the
models behind balance_transfers (the end-to-end path) and the +1% as `follow` runs it. The medians
go to the terminal and to bench/results/variants.md, with each variant's difference from HEAD.
A trick stays where its plain variant is at least 5% slower on the figure the trick is for.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.bench_load import EVENTS_PER_BLOCK
from bench.runner import REPO, git_commit, machine
from bench.streams import Stream, prepare_stream

PATCHES = REPO / "bench" / "variants"
RESULTS = REPO / "bench" / "results" / "variants.md"
# The figures compared: (name in a turn's JSON, label).
FIGURES = (("balance_transfers", "dbt run +balance_transfers (models, s)"),
           ("increment", "+1% as follow runs it (models' span, s)"),
           ("full_build", "full build (models' span, s)"))


def turn(work: Path, network: str, stream_json: str) -> None:
    """One variant's turn, run by its own clone: prints its figures and per-model seconds as JSON."""
    from bench.steps import Steps, model_seconds

    stream = Stream.from_json(json.loads(stream_json))
    steps = Steps(work, network)
    shutil.rmtree(steps.chdb, ignore_errors=True)
    steps.warm_up()
    steps.load(stream.base)
    full_build = steps.full_build()["span_seconds"]
    full_build_models = model_seconds(steps.target)
    balance_transfers = steps.balance_transfers()["models_seconds"]
    increment = steps.increment(stream.increment)["span_seconds"]
    print(json.dumps({"balance_transfers": balance_transfers, "increment": increment, "full_build": full_build,
                      "models": {"full_build": full_build_models, "increment": model_seconds(steps.target)}}))


def clone(patch: Path | None, folder: Path) -> Path:
    """A clone of HEAD in `folder`, with `patch` applied."""
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", "--shared", str(REPO), str(folder)], check=True)
    if patch is not None:
        applied = subprocess.run(["git", "apply", str(patch.resolve())], cwd=folder, capture_output=True, text=True)
        if applied.returncode != 0:
            sys.exit(f"{patch}: does not apply to HEAD ({applied.stderr.strip()}); rewrite it against HEAD")
    return folder


def run_turn(project: Path, work: Path, network: str, stream: Stream) -> dict[str, Any]:
    """`turn` in a child process whose working directory is the variant's clone."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    done = subprocess.run([sys.executable, "-m", "bench.variants", "--turn", str(work), "--network", network,
                           "--stream", json.dumps(stream.as_json())],
                          cwd=project, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{project.name}: its turn failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def model_differences(head: list[dict[str, Any]], variant: list[dict[str, Any]], step: str) -> str:
    """The three models whose median seconds in `step` moved most, as 'name a -> b' (seconds)."""
    def medians(turns: list[dict[str, Any]]) -> dict[str, float]:
        names = turns[0]["models"][step]
        return {name: statistics.median(t["models"][step].get(name, 0.0) for t in turns) for name in names}
    before, after = medians(head), medians(variant)
    moved = sorted(before, key=lambda name: -abs(after.get(name, 0.0) - before[name]))[:3]
    return "; ".join(f"{name} {before[name]:.2f} -> {after.get(name, 0.0):.2f}" for name in moved)


def spread(turns: list[dict[str, Any]], key: str) -> str:
    """'3.39 (3.10-3.52)': the median of a figure over the turns, and its range."""
    values = [t[key] for t in turns]
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def report(turns: dict[str, list[dict[str, Any]]], header: str) -> str:
    """A table per variant: each figure's medians for HEAD and the variant, and the difference."""
    head = turns["HEAD"]
    lines = [header, ""]
    for name, variant in turns.items():
        if name == "HEAD":
            continue
        lines += [f"## {name}", "", "| figure | HEAD (fastest-slowest) | variant (fastest-slowest) | difference |",
                  "| --- | --- | --- | --- |"]
        for key, label in FIGURES:
            before = statistics.median(t[key] for t in head)
            after = statistics.median(t[key] for t in variant)
            lines.append(f"| {label} | {spread(head, key)} | {spread(variant, key)} | {after - before:+.2f} s "
                         f"({(after - before) / before:+.1%}) |")
        lines += ["", f"Models that moved most, +1%: {model_differences(head, variant, 'increment')}.",
                  f"Full build: {model_differences(head, variant, 'full_build')}.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("patches", nargs="*", type=Path, help="variant patches (default bench/variants/*.patch)")
    parser.add_argument("--events", type=int, default=5_000_000, help="stream size in events (default 5000000)")
    parser.add_argument("--network", default="torus", choices=sorted(EVENTS_PER_BLOCK))
    parser.add_argument("--turns", type=int, default=3, help="turns of every variant (default 3)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "substrate-flows-variants")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--turn", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stream", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.turn:
        turn(args.turn, args.network, args.stream)
        return 0

    patches = args.patches or sorted(PATCHES.glob("*.patch"))
    commit, load_before = git_commit(), os.getloadavg()[0]  # the clones' commit, whatever changes meanwhile
    stream = prepare_stream(args.network, args.events, args.work / "streams")
    projects = {"HEAD": clone(None, args.work / "HEAD")}
    projects.update({patch.stem: clone(patch, args.work / patch.stem) for patch in patches})
    turns: dict[str, list[dict[str, Any]]] = {name: [] for name in projects}
    for number in range(1, args.turns + 1):
        for name, project in projects.items():
            print(f"turn {number}/{args.turns}: {name} (load average {os.getloadavg()[0]:.2f})", file=sys.stderr)
            turns[name].append(run_turn(project, args.work / f"{name}-run", args.network, stream))
    m = machine()
    header = (f"# Speed tricks against their plain variants\n\nMeasured "
              f"{datetime.now(UTC).isoformat(timespec='seconds')} (commit {commit}) on {m['cores']} cores "
              f"{m['cpu_model']}; {stream.events:,} synthetic {args.network} events, medians of {args.turns} "
              f"turns, variants taking turns. Load average {load_before:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after. Command: `python -m bench.variants {' '.join(sys.argv[1:])}`. "
              f"Each variant's patch is in bench/variants/; its first lines say what it replaces.")
    text = report(turns, header)
    print(text)
    args.results.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
