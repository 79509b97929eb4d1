"""`substrate-loader follow` throughput per source: blocks/s with the dbt selection run after each batch.

    .venv/bin/python -m bench.bench_follow                          # the sample: 400 Torus blocks
    .venv/bin/python -m bench.bench_follow --blocks 4000 --batch-blocks 1000 --select 'balance_transfers+'

The same SYNTHETIC stream (`generate`, seed 42) is followed from each source, each time with
`follow --once` in a child process on a fresh chDB folder: a folder of NDJSON files of
--batch-blocks lines, a `block_stream` table in the same chDB, and a Sidecar endpoint served on
127.0.0.1 from the blocks in Sidecar shape (pytests/data/follow/make_sidecar_blocks.py). Printed
per source: wall time of the whole command (start-up, dbt parse and first build included), and
from its batch lines the follow rate (blocks / (fetch + load + dbt)) and the load-only rate.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from loader.connection import connect
from loader.generate import generate

REPO = Path(__file__).resolve().parent.parent
BATCH = re.compile(r": (\d+) blocks, (\d+) events, (\S+) transfers.*\(fetch ([0-9.]+) s, load ([0-9.]+) s, "
                   r"dbt ([0-9.]+) s\)")


def _module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blocks", type=int, default=400, help="blocks in the stream (default 400, the sample)")
    parser.add_argument("--network", default="torus")
    parser.add_argument("--batch-blocks", type=int, default=100)
    parser.add_argument("--select", default="balance_transfers")
    parser.add_argument("--sources", nargs="+", default=["folder", "table", "sidecar"],
                        choices=["folder", "table", "sidecar"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_follow"))
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    stream = args.work / f"{args.network}-{args.blocks}.ndjson"
    if not stream.exists():
        generate(args.network, args.blocks, 42, stream)
    lines = stream.read_text().splitlines()
    print(f"{args.network}: {len(lines)} SYNTHETIC blocks, batches of {args.batch_blocks}, dbt --select "
          f"{args.select!r}, machine: {os.cpu_count()} cores")
    print(f"{'source':8} {'wall s':>7} {'batches':>7} {'follow blocks/s':>15} {'load blocks/s':>13} "
          f"{'dbt s/batch':>11} {'events':>8} {'transfers':>9}")
    for source in args.sources:
        run = args.work / source
        shutil.rmtree(run, ignore_errors=True)
        run.mkdir()
        chdb = run / "chdb"
        with _source(source, run, chdb, lines, args) as where:
            started = time.perf_counter()
            done = subprocess.run(
                [str(Path(sys.executable).parent / "substrate-loader"), "follow", "--network", args.network, *where,
                 "--once", "--batch-blocks", str(args.batch_blocks), "--select", args.select, "--settle", "0",
                 "--from-height", str(json.loads(lines[0])["block_height"]), "--project-dir", str(REPO)],
                env={**os.environ, "FLOWS_CHDB_PATH": str(chdb), "DBT_TARGET_PATH": str(run / "target"),
                     "DBT_LOG_PATH": str(run / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
                capture_output=True, text=True)
            wall = time.perf_counter() - started
        if done.returncode != 0:
            print(f"{source}: follow failed ({done.returncode}):\n{done.stderr[-3000:]}")
            return 1
        batches = [m.groups() for m in map(BATCH.search, done.stderr.splitlines()) if m]
        blocks = sum(int(b[0]) for b in batches)
        fetch, load, dbt = (sum(float(b[i]) for b in batches) for i in (3, 4, 5))
        transfers = sum(int(b[2]) for b in batches if b[2] != "-")
        print(f"{source:8} {wall:7.1f} {len(batches):7d} {blocks / (fetch + load + dbt):15.1f} "
              f"{blocks / (fetch + load):13.1f} {dbt / len(batches):11.2f} {sum(int(b[1]) for b in batches):8d} "
              f"{transfers:9d}")
    return 0


class _source:
    """Sets up one source for the stream; yields the follow arguments that name it."""

    def __init__(self, kind: str, run: Path, chdb: Path, lines: list[str], args: argparse.Namespace):
        self.kind, self.run, self.chdb, self.lines, self.args = kind, run, chdb, lines, args
        self.server: ThreadingHTTPServer | None = None

    def __enter__(self) -> list[str]:
        if self.kind == "folder":
            inbox = self.run / "inbox"
            inbox.mkdir()
            step = self.args.batch_blocks
            for n, start in enumerate(range(0, len(self.lines), step)):
                path = inbox / f"part-{n:05d}.ndjson"
                path.write_text("\n".join(self.lines[start:start + step]) + "\n")
                os.utime(path, (time.time() - 1000 + n, time.time() - 1000 + n))
            return [str(inbox)]
        if self.kind == "table":
            sys.path.insert(0, str(REPO / "pytests"))
            from follow_support import BLOCK_STREAM_DDL, insert_block_stream  # the tests' block_stream layout

            client = connect(chdb_path=self.chdb)
            try:
                client.command("create database if not exists old")
                client.command(BLOCK_STREAM_DDL.format(table="old.block_stream"))
                insert_block_stream(client, "old.block_stream", [json.loads(line) for line in self.lines])
            finally:
                client.close()
            return ["old.block_stream"]
        shape = _module(REPO / "pytests" / "data" / "follow" / "make_sidecar_blocks.py")
        bodies, parent = {}, shape.fake_hex("genesis")
        for line in self.lines:
            block = json.loads(line)
            bodies[block["block_height"]] = json.dumps(shape.sidecar_block(block, parent)).encode()
            parent = block["block_hash"]
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(bodies, max(bodies)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return ["--sidecar-url", f"http://127.0.0.1:{self.server.server_address[1]}"]

    def __exit__(self, *exc: object) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def _handler(bodies: dict[int, bytes], head: int) -> type[BaseHTTPRequestHandler]:
    class Sidecar(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            tail = self.path.split("/blocks/", 1)[-1]
            body = bodies.get(head if tail.startswith("head") else int(tail) if tail.isdigit() else -1)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_args: object) -> None:
            pass

    return Sidecar


if __name__ == "__main__":
    sys.exit(main())
