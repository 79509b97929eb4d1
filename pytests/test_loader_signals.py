"""A load stopped by SIGTERM or SIGINT, killed with SIGKILL, or raced by a second loader: each ends,
after a re-run, in exactly the raw tables of one clean load, and leaves no batch files behind.

The loads run as child processes on files cut into many 1 MiB batches; a signal is sent once the
child has written its fourth batch folder (batches are read one ahead: by then its first has landed). Where a stop falls
differs from run to run, so the tests read the counts the child reports and check them against
the raw tables.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import BIN, query
from loader.generate import generate

DB = "substrate_raw"
BLOCKS = 1500  # about 10 MB of Torus blocks: ten 1 MiB batches
FIRST = 1_200_000
STOPPED = re.compile(
    r"^substrate-loader: torus: stopped by (SIG\w+): (\d+) blocks, (\d+) events landed before the stop"
    r"(?:; the batch from (\S+) was rolled back)?\. Run the same command again: it skips what is loaded and "
    r"resumes (at \S+|after \S+|from the start)$")


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stream") / "blocks.ndjson"
    generate("torus", BLOCKS, 13, path)
    return path


@pytest.fixture(scope="module")
def clean_state(stream: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Any, ...]]]:
    """The raw tables after one uninterrupted load."""
    chdb = tmp_path_factory.mktemp("clean") / "chdb"
    done = subprocess.run(load_command(chdb, stream), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return raw_state(chdb)


def load_command(chdb: Path, stream: Path) -> list[str]:
    return [str(BIN / "substrate-loader"), "load", "--network", "torus", "--chdb-path", str(chdb), "--batch-mb", "1",
            str(stream)]


def raw_state(chdb: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the raw tables but its load id and load time, in a fixed order."""
    columns = {
        "blocks": "network, block_height, block_hash, block_time, extrinsic_count, event_count, source",
        "events": "network, block_height, block_hash, block_time, extrinsic_index, event_index, phase, module_id, "
                  "event_id, attributes, source",
        "extrinsics": "network, block_height, block_hash, extrinsic_index, extrinsic_hash, signer, call_module, "
                      "call_function, success, pays_fee, source",
        "quarantine": "network, source, location, raw_text, reason",
    }
    return {table: query(chdb, f"select {names} from {DB}.{table} order by {names}") for table, names in columns.items()}


class Child:
    """A loader child process with a batch-files folder of its own (TMPDIR)."""

    def __init__(self, chdb: Path, stream: Path, tmp: Path):
        self.tmp = tmp
        tmp.mkdir(exist_ok=True)
        self.process = subprocess.Popen(load_command(chdb, stream), env={**os.environ, "TMPDIR": str(tmp)},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait_for_batch_folders(self, count: int) -> None:
        seen: set[str] = set()
        deadline = time.monotonic() + 300
        while len(seen) < count:
            assert self.process.poll() is None, "the load ended before it was stopped"
            assert time.monotonic() < deadline, "no batch folders appeared"
            seen.update(p.name for p in self.tmp.iterdir() if p.name.startswith(f"substrate-loader-{self.process.pid}-"))
            time.sleep(0.02)

    def finish(self, number: int | None = None) -> tuple[int, str]:
        if number is not None:
            self.process.send_signal(number)
        _, err = self.process.communicate(timeout=600)
        return self.process.returncode, err


def check_consistent(chdb: Path, blocks: int, events: int) -> None:
    """Exactly the first `blocks` heights landed, with `events` events, and no row of a batch that
    did not commit; every batch recorded as committed or cleaned; no writer lock left."""
    assert query(chdb, f"select count(), min(block_height), max(block_height), sum(event_count) from {DB}.blocks") == [
        (blocks, FIRST if blocks else 0, FIRST + blocks - 1 if blocks else 0, events)]
    assert query(chdb, f"select count() from {DB}.events where (block_height, block_hash) not in "
                       f"(select block_height, block_hash from {DB}.blocks)") == [(0,)]
    assert query(chdb, f"select count() from (select load_id from {DB}.loads group by load_id "
                       "having countIf(status in ('committed', 'cleaned')) != 1)") == [(0,)]
    assert query(chdb, f"select count() from system.tables where database = '{DB}' and name = 'loader_lock'") == [(0,)]


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_rolls_back_the_batch_in_flight_and_releases_the_lock(
        tmp_path: Path, stream: Path, clean_state: dict[str, Any], number: int) -> None:
    chdb = tmp_path / "chdb"
    child = Child(chdb, stream, tmp_path / "tmp")
    child.wait_for_batch_folders(4)
    code, err = child.finish(number)
    assert code == 128 + number, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert list(child.tmp.iterdir()) == []  # no batch files left behind
    [line] = err.splitlines()
    found = STOPPED.match(line)
    assert found, line
    name, blocks, events, rolled_back, resumes = found.groups()
    assert name == signal.Signals(number).name and 0 < int(blocks) < BLOCKS
    next_line = f"{stream}:{int(blocks) + 1}"  # one block per line: the first line not landed
    assert (rolled_back, resumes) in ((next_line, f"at {next_line}"), (None, f"after {stream}:{blocks}"))
    check_consistent(chdb, int(blocks), int(events))

    code, err = Child(chdb, stream, tmp_path / "tmp").finish()
    assert code == 0, err
    assert err.startswith(f"substrate-loader: torus: {BLOCKS - int(blocks)} blocks, ")
    assert f"; {blocks} skipped (already loaded), 0 replaced" in err
    assert "taking over the loader lock" not in err  # the stopped load had given it back
    assert raw_state(chdb) == clean_state


def test_loads_killed_with_sigkill_then_run_again_end_as_one_clean_load(
        tmp_path: Path, stream: Path, clean_state: dict[str, Any]) -> None:
    chdb, tmp = tmp_path / "chdb", tmp_path / "tmp"
    pids = []
    for _ in range(2):
        child = Child(chdb, stream, tmp)
        child.wait_for_batch_folders(4)
        code, _ = child.finish(signal.SIGKILL)
        assert code == -signal.SIGKILL
        pids.append(child.process.pid)
    left = sorted(p.name for p in tmp.iterdir())
    assert left and all(re.match(rf"^substrate-loader-({pids[0]}|{pids[1]})-", name) for name in left)
    code, err = Child(chdb, stream, tmp).finish()
    assert code == 0, err
    lines = err.splitlines()
    assert re.fullmatch(rf"substrate-loader: removed {len(left)} batch folder\(s\) or file\(s\) \([0-9.]+ MB\) that "
                        rf"stopped loaders left in {re.escape(str(tmp))}", lines[0]), lines
    assert lines[1].startswith(f"substrate-loader: taking over the loader lock of {DB}: its holder ")
    assert list(tmp.iterdir()) == []
    assert raw_state(chdb) == clean_state
    check_consistent(chdb, BLOCKS, len(clean_state["events"]))


def test_a_second_loader_of_the_same_chdb_path_is_refused_and_the_first_finishes(
        tmp_path: Path, stream: Path, clean_state: dict[str, Any]) -> None:
    chdb = tmp_path / "chdb"
    first = Child(chdb, stream, tmp_path / "tmp")
    first.wait_for_batch_folders(2)
    second = subprocess.run(load_command(chdb, stream), capture_output=True, text=True, timeout=600)
    assert second.returncode == 2
    assert second.stderr.splitlines()[-1].startswith(
        f"substrate-loader: error: chDB data path {chdb} could not be opened (")
    assert "Traceback" not in second.stderr
    code, err = first.finish()
    assert code == 0, err
    assert raw_state(chdb) == clean_state
