"""Loader throughput: generated NDJSON -> raw tables on chDB. Prints events/s, MB/s, peak RSS.

    .venv/bin/python -m bench.bench_load                       # ~200k events, quick
    .venv/bin/python -m bench.bench_load --events 5000000 --format zst
    .venv/bin/python -m bench.bench_load --events 1000000 --compare HEAD~3 --repeat 3   # before/after
    .venv/bin/python -m bench.bench_load --events 5000000 --floor --repeat 3   # against the engine's floor

The input is generated once per (network, size, format) into --work (default /tmp/bench_load) and
reused. The load runs in a child process on a fresh chDB folder, so the peak RSS printed is the
loading process's own. With --compare REV the loader of that git revision loads the same file in
turns with this tree's (machines shared with other work give noisy wall-clock times; compare CPU). With
--floor, bench/load_floor.py lands the same file in turns with the loader: the same batches parsed
by the engine and written to the same raw tables with nothing checked, looked up or recorded, the
least an NDJSON loader with ClickHouse as its parser does; and once more with nothing written (the
parse and the fan-out into Null tables). Goal on the 2-core reference machine: >= 1,000,000
events/s, < 1 GiB; that is at most 2 CPU-s per million events, which the floors' CPU-s lines show
whether any loader can meet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from loader.generate import generate

EVENTS_PER_BLOCK = {"torus": 21.9, "bittensor": 22.5, "polkadot": 21.0}  # measured means of the generator

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from loader.api import load_files
from loader.connection import connect
client = connect(chdb_path=sys.argv[1])
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
started, cpu_started = time.perf_counter(), cpu()
summary = load_files(client, sys.argv[2], [Path(sys.argv[3])], batch_bytes=int(sys.argv[4]))
seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
client.close()
print(json.dumps({"events": summary.events, "blocks": summary.blocks, "seconds": seconds, "cpu": cpu_seconds,
                  "quarantined": summary.quarantined}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000, help="about this many events (default 200,000)")
    parser.add_argument("--network", default="torus", choices=sorted(EVENTS_PER_BLOCK))
    parser.add_argument("--format", default="ndjson", choices=["ndjson", "gz", "zst"])
    parser.add_argument("--batch-mb", type=int, default=48)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_load"))
    parser.add_argument("--compare", metavar="REV", help="also load with the loader of this git revision, side by side")
    parser.add_argument("--floor", action="store_true",
                        help="also land the file with bench/load_floor.py (nothing checked), side by side, "
                             "and parse it with nothing written")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (alternating with --compare, --floor)")
    args = parser.parse_args()

    blocks = max(1, round(args.events / EVENTS_PER_BLOCK[args.network]))
    suffix = ".ndjson" if args.format == "ndjson" else f".ndjson.{args.format}"
    source = args.work / f"{args.network}-{blocks}{suffix}"
    args.work.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        started = time.perf_counter()
        made = generate(args.network, blocks, 42, source)
        print(f"generated {source}: {made.events:,} events in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    size_mb = source.stat().st_size / 1e6
    print(f"load {args.network} {args.format}: {size_mb:,.0f} MB on disk")
    loader = ["-c", _CHILD]
    runs = [("this tree", loader, None)]
    if args.compare:
        runs.insert(0, (f"before ({args.compare})", loader, _exported_loader(args.compare, args.work)))
    if args.floor:
        runs.append(("engine floor (bench/load_floor.py: nothing checked, looked up or recorded)",
                     ["-m", "bench.load_floor"], None))
        runs.append(("engine floor, nothing written (the parse and fan-out into Null tables)",
                     ["-m", "bench.load_floor", "--write-nothing"], None))
    for _ in range(args.repeat):
        for label, program, pythonpath in runs:
            result = _load_in_child(program, args.work / "chdb", args.network, source, args.batch_mb, pythonpath)
            _report(label, result, size_mb)
            if result["quarantined"]:
                return 1
    return 0


def _exported_loader(revision: str, work: Path) -> str:
    """The loader package as of a git revision, in a folder to put first on PYTHONPATH."""
    folder = work / f"loader-{revision.replace('/', '_')}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision, "loader"], cwd=Path(__file__).parent.parent,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return str(folder)


def _load_in_child(program: list[str], chdb: Path, network: str, source: Path, batch_mb: int,
                   pythonpath: str | None) -> dict[str, float]:
    """One load on a fresh chDB folder in a child process (`python *program* ...`): its own figures
    plus the whole process's wall-clock, CPU (all threads) and peak RSS."""
    shutil.rmtree(chdb, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": pythonpath} if pythonpath else None
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *program, str(chdb), network, str(source), str(batch_mb << 20)],
                             stdout=subprocess.PIPE, text=True, env=env, cwd=Path(__file__).parent.parent)
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the load failed (exit status {os.waitstatus_to_exitcode(status)})")
    shutil.rmtree(chdb, ignore_errors=True)
    return {**json.loads(out.strip().splitlines()[-1]), "wall": time.perf_counter() - started,
            "process_cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def _report(label: str, result: dict[str, float], size_mb: float) -> None:
    events, seconds, cpu_seconds = result["events"], result["seconds"], result["cpu"]
    print(f"{label}: {events:,.0f} events, {result['blocks']:,.0f} blocks")
    print(f"  load_files : {seconds:.2f} s  {events / seconds:,.0f} events/s  {size_mb / seconds:,.1f} MB/s")
    print(f"  process    : {result['wall']:.2f} s wall, {result['process_cpu']:.2f} CPU-s (with interpreter and chDB start-up)")
    print(f"  peak RSS   : {result['peak_mib']:,.0f} MiB")
    # CPU time depends less on what else runs on the machine: events per CPU-second times the
    # cores is the rate this load reaches when it has them to itself.
    print(f"  CPU        : {cpu_seconds:.2f} s user+sys in load_files = {cpu_seconds / events * 1e6:.2f} CPU-s per million events; "
          f"{events / cpu_seconds:,.0f} events per CPU-second (x{os.cpu_count()} cores = "
          f"{events / cpu_seconds * (os.cpu_count() or 1):,.0f} events/s if uncontended)")
    print(f"  load avg   : {os.getloadavg()[0]:.2f} (other processes compete for the same cores)")


if __name__ == "__main__":
    sys.exit(main())
