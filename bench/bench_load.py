"""Loader throughput: generated NDJSON -> raw tables on chDB. Prints events/s, MB/s, peak RSS.

    .venv/bin/python -m bench.bench_load                       # ~200k events, quick
    .venv/bin/python -m bench.bench_load --events 5000000 --format zst

The input is generated once per (network, size, format) into --work (default /tmp/bench_load) and
reused. The load runs in a child process on a fresh chDB folder, so the peak RSS printed is the
loading process's own. Goal on the 2-core reference machine: >= 1,000,000 events/s, < 1 GiB.
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
    args = parser.parse_args()

    blocks = max(1, round(args.events / EVENTS_PER_BLOCK[args.network]))
    suffix = ".ndjson" if args.format == "ndjson" else f".ndjson.{args.format}"
    source = args.work / f"{args.network}-{blocks}{suffix}"
    args.work.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        started = time.perf_counter()
        made = generate(args.network, blocks, 42, source)
        print(f"generated {source}: {made.events:,} events in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    chdb = args.work / "chdb"
    shutil.rmtree(chdb, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(chdb), args.network, str(source), str(args.batch_mb << 20)],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mib, cpu_seconds = usage.ru_maxrss / 1024, result["cpu"]
    size_mb = source.stat().st_size / 1e6
    print(f"load {args.network} {args.format}: {result['events']:,} events, {result['blocks']:,} blocks, "
          f"{size_mb:,.0f} MB on disk")
    print(f"  load_files : {result['seconds']:.2f} s  {result['events'] / result['seconds']:,.0f} events/s  "
          f"{size_mb / result['seconds']:,.1f} MB/s")
    print(f"  process    : {wall:.2f} s wall (with interpreter and chDB start-up)")
    print(f"  peak RSS   : {peak_mib:,.0f} MiB")
    # CPU time does not depend on what else runs on the machine: events per CPU-second times the
    # cores is the rate this load reaches when it has them to itself.
    print(f"  CPU        : {cpu_seconds:.2f} s user+sys in load_files = {cpu_seconds / result['events'] * 1e6:.2f} CPU-s per million events; "
          f"{result['events'] / cpu_seconds:,.0f} events per CPU-second (x{os.cpu_count()} cores = "
          f"{result['events'] / cpu_seconds * (os.cpu_count() or 1):,.0f} events/s if uncontended)")
    print(f"  load avg   : {os.getloadavg()[0]:.2f} (other processes compete for the same cores)")
    shutil.rmtree(chdb, ignore_errors=True)
    return 0 if result["quarantined"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
