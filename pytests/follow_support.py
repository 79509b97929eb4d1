"""Helpers of the `substrate-loader follow` tests: run the command in a child process (it runs dbt
in-process on its own chDB path), read its log lines, build a `block_stream` table."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from conftest import BIN, REPO

SELECT = "balance_transfers"  # a narrow selection: dbt invocations cost seconds
BATCH_LINE = re.compile(r"^(?:\S+Z )?(\w+) (\S+) (heights \d+-\d+|files .+?): (.*); [0-9.]+ blocks/s .*; (lag .*)$")


def follow_env(chdb_path: Path) -> dict[str, str]:
    return {**os.environ, "FLOWS_CHDB_PATH": str(chdb_path), "DBT_TARGET_PATH": str(chdb_path.parent / "target"),
            "DBT_LOG_PATH": str(chdb_path.parent / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "NO_COLOR": "1", "DBT_USE_COLORS": "false"}


def follow_command(*args: str) -> list[str]:
    return [str(BIN / "substrate-loader"), "follow", "--select", SELECT, "--project-dir", str(REPO),
            "--retry-delay", "0.05", *args]


def follow(chdb_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`substrate-loader follow ARGS` to its end; stderr holds the log."""
    return subprocess.run(follow_command(*args), env=follow_env(chdb_path), capture_output=True, text=True,
                          timeout=900, cwd=chdb_path.parent)


def batch_lines(log: str) -> list[tuple[str, str]]:
    """(what, counts) of each batch line: ('heights 5-9', '5 blocks, 120 events, 7 transfers')."""
    return [(m.group(3), m.group(4)) for m in map(BATCH_LINE.search, log.splitlines()) if m]


class Running:
    """A follower in the background whose log lines can be awaited."""

    def __init__(self, chdb_path: Path, *args: str):
        self.process = subprocess.Popen(follow_command(*args), env=follow_env(chdb_path), stderr=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, text=True, cwd=chdb_path.parent)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.log.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no log line matching {pattern!r}; log so far:\n" + "\n".join(self.log))

    def stop(self, signal_number: int, timeout: float = 300) -> int:
        self.process.send_signal(signal_number)
        code = self.process.wait(timeout=timeout)
        time.sleep(0.1)  # let the reader thread drain the pipe
        while not self.lines.empty():
            self.log.append(self.lines.get())
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def write_atomically(path: Path, lines: list[str], mtime: float | None = None) -> None:
    """A file as a well-behaved producer writes it: under a temporary name, then renamed into place."""
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text("".join(line + "\n" for line in lines))
    if mtime is not None:
        os.utime(temporary, (mtime, mtime))
    temporary.rename(path)


BLOCK_STREAM_DDL = """
create table {table}
(
    block_height UInt32, block_hash String, block_timestamp UInt64,
    events Nested(event_idx String, extrinsic_id String, module_id String, event_id String, attributes String)
)
engine = MergeTree order by block_height
"""


def block_stream_rows(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    """Canonical blocks in the original system's block_stream layout (one row per block)."""
    out = []
    for b in blocks:
        h, events = b["block_height"], b["events"]
        out.append([h, b["block_hash"], b["block_timestamp"],
                    [f"{h}-{e['index']}" for e in events],
                    ["" if e["extrinsic_index"] is None else f"{h}-{e['extrinsic_index']}" for e in events],
                    [e["module_id"] for e in events], [e["event_id"] for e in events],
                    [json.dumps(e["attributes"]) for e in events]])
    return out


def insert_block_stream(client: Any, table: str, blocks: list[dict[str, Any]]) -> None:
    client.insert(table, block_stream_rows(blocks), column_names=[
        "block_height", "block_hash", "block_timestamp", "events.event_idx", "events.extrinsic_id",
        "events.module_id", "events.event_id", "events.attributes"])
