"""`substrate-loader fetch --node` against plain client-library loops over the same blocks, side by
side in one run: blocks/s and CPU seconds per block. Writes bench/results/node.md.

    .venv/bin/python -m bench.bench_node                  # 1,000 blocks, each contender once
    .venv/bin/python -m bench.bench_node --blocks 3000 --repeat 3

The node is the tests' fake node (pytests/fake_node.py) serving --blocks copies of the real
Polkadot blocks 18468942 and 19772575 in turn (bodies and System.Events as recorded, 101 KB and
97 KB of extrinsics, 58 and 81 events; headers renumbered so that the copies chain), all of runtime
spec 1000001. It runs in this process with every answer prepared beforehand; each contender runs as
a child process whose CPU time (its own and its children's: the decoding workers) is read from
`os.wait4`, so the node's own CPU is not counted. Wall time includes start-up.

  fetch                      substrate-loader fetch --from F --to L into a fresh chDB folder:
                             read, decode, land in the raw tables
  async-substrate-interface  a plain loop: get_block_hash, get_block, get_events per block
                             (bench/node_library_loop.py; nothing landed)
  substrate-interface        the same loop with py-substrate-interface, in a venv of its own
                             (bench/.venv-substrate-interface from bench/substrate-interface.lock,
                             made on first use): it needs pure-Python scalecodec, whose module
                             name cyscale, under async-substrate-interface, takes over
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "pytests"))

from fake_node import FakeNode, recorded_blocks, replayed_chain  # noqa: E402

FIRST = 30_000_000  # the copies' heights start here
BASELINE_VENV = REPO / "bench" / ".venv-substrate-interface"
RESULTS = REPO / "bench" / "results" / "node.md"
BIN = Path(sys.executable).parent


@dataclass
class Run:
    contender: str
    blocks: int
    wall: float
    cpu: float

    @property
    def rate(self) -> float:
        return self.blocks / self.wall

    @property
    def cpu_per_block(self) -> float:
        return self.cpu / self.blocks


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall and CPU seconds (the child and its reaped children) of a command, and its stderr."""
    with tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        log = err.read()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {child.returncode}:\n{log[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, log


def baseline_python() -> Path:
    python = BASELINE_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {BASELINE_VENV} (py-substrate-interface, from PyPI)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BASELINE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                        str(REPO / "bench" / "substrate-interface.lock")], check=True)
    return python


def run_fetch(url: str, blocks: int, work: Path) -> Run:
    chdb = Path(tempfile.mkdtemp(dir=work)) / "chdb"
    command = [str(BIN / "substrate-loader"), "fetch", "--network", "polkadot", "--node", url,
               "--from", str(FIRST), "--to", str(FIRST + blocks - 1), "--chdb-path", str(chdb)]
    wall, cpu, log = timed(command)
    if f"{blocks} blocks" not in log:
        raise RuntimeError(f"fetch did not land {blocks} blocks:\n{log[-3000:]}")
    shutil.rmtree(chdb.parent, ignore_errors=True)
    return Run("fetch", blocks, wall, cpu)


def run_loop(library: str, python: Path, url: str, blocks: int) -> Run:
    command = [str(python), str(REPO / "bench" / "node_library_loop.py"), library, url, str(FIRST),
               str(FIRST + blocks - 1)]
    wall, cpu, _log = timed(command, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    return Run(library, blocks, wall, cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-results", action="store_true", help="print only; do not write bench/results/node.md")
    args = parser.parse_args()
    templates = [b for b in recorded_blocks() if b.height in (18468942, 19772575)]
    chain = replayed_chain(templates, FIRST, args.blocks)
    contenders = [("fetch", None), ("async-substrate-interface", Path(sys.executable)),
                  ("substrate-interface", baseline_python())]
    runs: list[Run] = []
    work = Path(tempfile.mkdtemp(prefix="bench-node-"))
    node_cpu_before = time.process_time()
    try:
        with FakeNode(chain) as node:
            for repeat in range(args.repeat):
                for name, python in contenders:  # in turns, so machine load falls on all alike
                    run = run_fetch(node.ws_url, args.blocks, work) if python is None else \
                        run_loop(name, python, node.ws_url, args.blocks)
                    runs.append(run)
                    print(f"repeat {repeat + 1} {name}: {run.rate:,.1f} blocks/s, {run.cpu_per_block * 1000:.1f} "
                          f"ms CPU per block ({run.wall:.1f} s wall, {run.cpu:.1f} CPU-s)", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    node_cpu = time.process_time() - node_cpu_before
    report = render(runs, args, node_cpu)
    print(report)
    if not args.no_results:
        RESULTS.write_text(report)
        print(f"written to {RESULTS.relative_to(REPO)}", file=sys.stderr)
    return 0


def render(runs: list[Run], args: argparse.Namespace, node_cpu: float) -> str:
    def median(name: str, value: str) -> float:
        return statistics.median(getattr(r, value) for r in runs if r.contender == name)

    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    names = list(dict.fromkeys(r.contender for r in runs))
    fetch_rate = median("fetch", "rate")
    lines = [
        "# `fetch --node` against plain library loops",
        "",
        f"Generated by `bench/bench_node.py --blocks {args.blocks} --repeat {args.repeat}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}. Do not edit by hand.",
        "",
        f"{args.blocks} Polkadot blocks (copies of 18468942 and 19772575 in turn) from the fake node on "
        "127.0.0.1; each contender a child process, wall time from start to exit, CPU of the process and its "
        f"children. Medians of {args.repeat} run(s) in turns. The node itself used {node_cpu:.1f} CPU-s in all "
        "(not counted).",
        "",
        "| contender | blocks/s | CPU-s per block | wall s | CPU-s | fetch is faster by |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        rate = median(name, "rate")
        lines.append(f"| {name} | {rate:,.1f} | {median(name, 'cpu_per_block'):.4f} | {median(name, 'wall'):.1f} | "
                     f"{median(name, 'cpu'):.1f} | {fetch_rate / rate:,.1f}x |")
    lines += ["", "fetch lands the blocks in the raw tables; the loops only decode them.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
