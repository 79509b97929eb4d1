"""`substrate-loader follow` on a folder and on a block_stream table; stop and resume; the batch loop.

The end-to-end tests run the command in a child process (it runs dbt in-process on its chDB path)
with the narrow selection `balance_transfers` and read the database once the process is gone.
Expected figures come from the deterministic generator (`generate`, fixed seeds).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BIN, query
from follow_support import (BLOCK_STREAM_DDL, Running, batch_lines, follow, follow_env, insert_block_stream,
                             write_atomically)
from loader.batch import LoadSummary
from loader.connection import connect
from loader.dbt_runner import DbtFailed
from loader.follow import EXIT_FAILED, EXIT_GAP, EXIT_OK, EXIT_QUARANTINED, Follower, FollowOptions, StopFlag
from loader.follow_sources import Batch, FolderSource, Poll, TableSource
from loader.generate import generate

RAW = "substrate_raw"
PROJECT = Path(__file__).parent / "data" / "follow" / "project"
TORUS_FIRST = 1_200_000  # the generator's first Torus height


def generated(tmp_path: Path, network: str, blocks: int, seed: int) -> list[str]:
    path = tmp_path / f"{network}-{seed}.ndjson"
    generate(network, blocks, seed, path)
    return path.read_text().splitlines()


def transfers_logged(log: str) -> list[int]:
    return [int(counts.split(", ")[2].split()[0]) for _what, counts in batch_lines(log)]


def events_in(lines: list[str]) -> int:
    return sum(len(json.loads(line)["events"]) for line in lines)


def transfers(chdb_path: Path) -> list[tuple[Any, ...]]:
    return query(chdb_path, "select network, block_height, event_index, extrinsic_index, from_address, to_address, "
                            "asset, amount, fee, transfer_type, _version from substrate_flows.balance_transfers "
                            "order by network, block_height, event_index")


# ----- a folder receiving files ------------------------------------------------------------------


@pytest.mark.slow
def test_folder_files_are_loaded_as_they_arrive_and_only_once(tmp_path: Path, chdb_path: Path) -> None:
    lines = generated(tmp_path, "torus", 90, 3)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("not a block file: ignored\n")
    running = Running(chdb_path, "--network", "torus", str(inbox), "--interval", "0.2", "--settle", "0")
    try:
        running.wait_for("following folder:")
        write_atomically(inbox / "blocks-1.ndjson", lines[:30])
        first = running.wait_for(r"files blocks-1\.ndjson: ")
        write_atomically(inbox / "blocks-2.ndjson", lines[30:60], mtime=time.time() - 5)
        write_atomically(inbox / "blocks-3.ndjson", lines[60:], mtime=time.time() - 4)
        running.wait_for(r"files blocks-3\.ndjson: ")
        assert running.stop(signal.SIGTERM) == EXIT_OK
    finally:
        running.kill()
    log = "\n".join(running.log)
    assert batch_lines(log) == [
        # Torus stream distributions are transfers since the generator has them: 5, 4 and 6 of these
        ("files blocks-1.ndjson", f"30 blocks, {events_in(lines[:30])} events, 126 transfers"),
        ("files blocks-2.ndjson", f"30 blocks, {events_in(lines[30:60])} events, 124 transfers"),
        ("files blocks-3.ndjson", f"30 blocks, {events_in(lines[60:])} events, 187 transfers"),
    ], log
    assert first.endswith("lag 0 files")
    assert "stopped by SIGTERM; the checkpoint is consistent" in log
    assert query(chdb_path, f"select file_name, length(load_ids) from {RAW}.follow_files order by loaded_at") == [
        ("blocks-1.ndjson", 1), ("blocks-2.ndjson", 1), ("blocks-3.ndjson", 1)]
    assert query(chdb_path, f"select argMax(next_height, checkpoint_id), argMax(status, checkpoint_id) "
                            f"from {RAW}.follow_checkpoints") == [(TORUS_FIRST + 90, "ok")]
    assert query(chdb_path, f"select count(), sum(event_count) from {RAW}.blocks") == [(90, events_in(lines))]
    assert len(transfers(chdb_path)) == 126 + 124 + 187

    again = follow(chdb_path, "--network", "torus", str(inbox), "--once", "--settle", "0")
    assert again.returncode == EXIT_OK, again.stderr
    assert batch_lines(again.stderr) == []
    assert "caught up (lag 0 files)" in again.stderr


@pytest.mark.slow
def test_stop_and_resume_gives_the_marts_of_an_uninterrupted_run(tmp_path: Path) -> None:
    lines = generated(tmp_path, "torus", 120, 11)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(4):
        write_atomically(inbox / f"part-{n}.ndjson", lines[30 * n:30 * (n + 1)], mtime=time.time() - 100 + n)
    straight, interrupted = tmp_path / "straight" / "chdb", tmp_path / "interrupted" / "chdb"
    straight.parent.mkdir()
    interrupted.parent.mkdir()

    whole = follow(straight, "--network", "torus", str(inbox), "--once")
    assert whole.returncode == EXIT_OK, whole.stderr
    assert [what for what, _ in batch_lines(whole.stderr)] == [f"files part-{n}.ndjson" for n in range(4)]

    running = Running(interrupted, "--network", "torus", str(inbox), "--interval", "0.5")
    try:
        running.wait_for(r"files part-0\.ndjson: ")
        assert running.stop(signal.SIGTERM) == EXIT_OK  # the batch in flight finishes first
    finally:
        running.kill()
    done_before = [what for what, _ in batch_lines("\n".join(running.log))]
    assert 1 <= len(done_before) < 4
    assert done_before == [f"files part-{n}.ndjson" for n in range(len(done_before))]
    # The checkpoint matches what landed: no file half-recorded, no height beyond the files recorded.
    assert query(interrupted, f"select count() from {RAW}.follow_files") == [(len(done_before),)]
    assert query(interrupted, f"select count(), max(block_height) from {RAW}.blocks") == [
        (30 * len(done_before), TORUS_FIRST + 30 * len(done_before) - 1)]
    assert query(interrupted, f"select argMax(next_height, checkpoint_id) from {RAW}.follow_checkpoints") == [
        (TORUS_FIRST + 30 * len(done_before),)]

    resumed = follow(interrupted, "--network", "torus", str(inbox), "--once")
    assert resumed.returncode == EXIT_OK, resumed.stderr
    assert [what for what, _ in batch_lines(resumed.stderr)] == [
        f"files part-{n}.ndjson" for n in range(len(done_before), 4)]
    assert transfers(interrupted) == transfers(straight)
    assert len(transfers(straight)) == 608  # 17 of them Torus stream distributions


@pytest.mark.slow
def test_an_ephemeral_parent_is_compiled_into_every_batch_of_one_process(tmp_path: Path, chdb_path: Path) -> None:
    """data/follow/project: transfer_counts (incremental) reads int_transfer_events (ephemeral)."""
    lines = generated(tmp_path, "torus", 40, 8)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(2):
        write_atomically(inbox / f"part-{n}.ndjson", lines[20 * n:20 * (n + 1)], mtime=time.time() - 100 + n)
    done = follow(chdb_path, "--network", "torus", str(inbox), "--once", "--project-dir", str(PROJECT),
                  "--select", "transfer_counts")
    assert done.returncode == EXIT_OK, done.stderr
    assert "dbt --select 'transfer_counts' (1 model(s))" in done.stderr
    assert [counts for _what, counts in batch_lines(done.stderr)] == [
        f"20 blocks, {events_in(lines[:20])} events, - transfers",
        f"20 blocks, {events_in(lines[20:])} events, - transfers"]
    expected = sum(1 for line in lines for e in json.loads(line)["events"]
                   if (e["module_id"], e["event_id"]) == ("Balances", "Transfer"))
    assert query(chdb_path, "select sum(transfers), uniqExact(last_load_id) from follow_test.transfer_counts") == [
        (expected, 2)]


RUNNER_PROBE = """
import gc, json, os, sys
from pathlib import Path
from loader.api import load_files
from loader.connection import connect
from loader.dbt_runner import DbtSelection
client = connect(chdb_path=sys.argv[1])
load_files(client, "torus", [sys.argv[3]])
target = Path(os.environ["DBT_TARGET_PATH"])
counts = [gc.get_freeze_count()]
selection = DbtSelection("transfer_counts", Path(sys.argv[2]))
counts.append(gc.get_freeze_count())
parsed_manifest = (target / "manifest.json").stat().st_mtime_ns
(target / "run_results.json").unlink(missing_ok=True)
for _run in range(2):
    selection.run(client)
    counts.append(gc.get_freeze_count())
results = json.loads((target / "run_results.json").read_text())["results"]
print(json.dumps({"freeze_counts": counts,
                  "manifest_rewritten": (target / "manifest.json").stat().st_mtime_ns != parsed_manifest,
                  "run_results": [(r["unique_id"], r["status"]) for r in results]}))
"""


@pytest.mark.slow
def test_the_runner_freezes_long_lived_objects_once_and_writes_run_results_only(tmp_path: Path,
                                                                                 chdb_path: Path) -> None:
    """loader/dbt_runner.py keeps long-lived objects out of the cycle collector's full passes: frozen
    after the parse (the manifest: thousands of objects), again after the first run, not after later
    runs (what each run makes stays collectable). Each run writes run_results.json, not manifest.json."""
    blocks = tmp_path / "torus.ndjson"
    blocks.write_text("\n".join(generated(tmp_path, "torus", 10, 8)) + "\n")
    done = subprocess.run([str(BIN / "python"), "-c", RUNNER_PROBE, str(chdb_path), str(PROJECT), str(blocks)],
                          env=follow_env(chdb_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.splitlines()[-1])
    before, parsed, first_run, second_run = probe["freeze_counts"]
    assert before == 0
    assert parsed > 10_000
    assert first_run > parsed
    assert second_run <= first_run  # none added; some frozen ones freed since (by reference count)
    assert probe["run_results"] == [["model.follow_test.transfer_counts", "success"]]
    assert probe["manifest_rewritten"] is False


# ----- a block_stream table ------------------------------------------------------------------------


@pytest.fixture
def block_stream(tmp_path: Path, chdb_path: Path) -> Iterator[list[dict[str, Any]]]:
    """old.block_stream in the test's chDB path: 30 Torus blocks without height TORUS_FIRST + 12."""
    blocks = [json.loads(line) for line in generated(tmp_path, "torus", 30, 5)]
    client = connect(chdb_path=chdb_path)
    try:
        client.command("create database old")
        client.command(BLOCK_STREAM_DDL.format(table="old.block_stream"))
        insert_block_stream(client, "old.block_stream", [b for b in blocks if b["block_height"] != TORUS_FIRST + 12])
    finally:
        client.close()
    yield blocks


def events_between(blocks: list[dict[str, Any]], low: int, high: int) -> int:
    """Events of the blocks TORUS_FIRST + low .. TORUS_FIRST + high."""
    return sum(len(b["events"]) for b in blocks if low <= b["block_height"] - TORUS_FIRST <= high)


@pytest.mark.slow
def test_a_gap_in_block_stream_stops_the_cursor_until_the_height_arrives(
        chdb_path: Path, block_stream: list[dict[str, Any]]) -> None:
    args = ("--network", "torus", "old.block_stream", "--once", "--batch-blocks", "10")
    first = follow(chdb_path, *args)
    assert first.returncode == 4, first.stderr  # --once stopped at a gap
    assert batch_lines(first.stderr) == [
        ("heights 1200000-1200009", f"10 blocks, {events_between(block_stream, 0, 9)} events, 70 transfers"),
        # 3 of these are Torus stream distributions (block 1200011 pays a stream)
        ("heights 1200010-1200011", f"2 blocks, {events_between(block_stream, 10, 11)} events, 20 transfers"),
    ], first.stderr
    assert "table:old.block_stream: height 1200012 is missing from the source (head 1200029)" in first.stderr
    assert "stopped at a gap: height 1200012 is missing; lag 18 blocks (head 1200029)" in first.stderr
    assert query(chdb_path, f"select count(), max(block_height) from {RAW}.blocks") == [(12, TORUS_FIRST + 11)]
    assert query(chdb_path, f"select argMax(next_height, checkpoint_id), argMax(status, checkpoint_id), "
                            f"argMax(detail, checkpoint_id) from {RAW}.follow_checkpoints") == [
        (TORUS_FIRST + 12, "gap", "height 1200012 missing from the source")]

    client = connect(chdb_path=chdb_path)
    try:
        insert_block_stream(client, "old.block_stream", [b for b in block_stream if b["block_height"] == TORUS_FIRST + 12])
    finally:
        client.close()
    second = follow(chdb_path, *args)
    assert second.returncode == EXIT_OK, second.stderr
    assert [what for what, _ in batch_lines(second.stderr)] == ["heights 1200012-1200021", "heights 1200022-1200029"], \
        second.stderr
    assert query(chdb_path, f"select count(), sum(event_count), uniqExact(source) from {RAW}.blocks") == [
        (30, sum(len(b["events"]) for b in block_stream), 1)]
    assert query(chdb_path, "select count() from substrate_flows.balance_transfers") == [(192,)]
    assert sum(transfers_logged(first.stderr + second.stderr)) == 192


def test_skip_gap_moves_the_cursor_past_a_named_height_only(chdb_path: Path,
                                                            block_stream: list[dict[str, Any]]) -> None:
    client = connect(chdb_path=chdb_path)
    logged: list[str] = []
    try:
        source = TableSource(client, "torus", RAW, "old.block_stream", TORUS_FIRST + 10, [], logged.append)
        poll = source.poll(10)
        assert poll.batch is not None and poll.batch.what == "heights 1200010-1200011"
        poll.batch.done(poll.batch.land())
        assert source.poll(10) == Poll(None, "lag 18 blocks (head 1200029)", gap=TORUS_FIRST + 12)
        assert source.poll(10).gap == TORUS_FIRST + 12  # still there, reported once
        assert len(logged) == 1 and "--skip-gap 1200012" in logged[0]

        skipping = TableSource(client, "torus", RAW, "old.block_stream", None, [TORUS_FIRST + 12], logged.append)
        poll = skipping.poll(10)
        assert poll.batch is not None and poll.batch.what == "heights 1200013-1200022"
        rows = query_client(client, f"select next_height, status, detail from {RAW}.follow_checkpoints order by checkpoint_id")
    finally:
        client.close()
    assert rows == [(TORUS_FIRST + 12, "ok", "heights 1200010-1200011"),
                    (TORUS_FIRST + 12, "gap", "height 1200012 missing from the source"),
                    (TORUS_FIRST + 13, "skipped_gap", "height 1200012 missing, skipped on request")]


def query_client(client: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in client.query(sql).result_rows]


# ----- the batch loop: retries, poison batches, signals ------------------------------------------------


class FakeSource:
    key = "fake"

    def __init__(self, *batches: str):
        self.waiting = list(batches)
        self.done: list[str] = []
        self.summary = LoadSummary(blocks=10, events=40)

    def poll(self, batch_blocks: int) -> Poll:
        if not self.waiting:
            return Poll(None, "lag 0 blocks (head 30)")
        what = self.waiting[0]

        def done(_summary: LoadSummary) -> None:
            self.done.append(self.waiting.pop(0))

        return Poll(Batch(what, lambda: self.summary, done, "lag 0 blocks (head 30)"))

    def resumes_at(self) -> str:
        return f"at height {10 * len(self.done) + 1}"


class FakeDbt:
    """Fails its first `failures` runs; `on_run` is called at each run."""

    def __init__(self, failures: int = 0, on_run: Any = None):
        self.failures = failures
        self.runs = 0
        self.on_run = on_run

    def relation(self, _model: str) -> None:
        return None

    def run(self, _client: Any) -> float:
        self.runs += 1
        if self.on_run:
            self.on_run()
        if self.runs <= self.failures:
            raise DbtFailed("dbt run failed: balance_transfers: boom")
        return 0.0


def follower(source: FakeSource, dbt: FakeDbt, stop: StopFlag | None = None) -> tuple[Follower, list[str]]:
    logged: list[str] = []
    options = FollowOptions("torus", batch_blocks=10, interval=0, once=True, retries=2, retry_delay=0)
    return Follower(None, source, dbt, options, stop or StopFlag(), logged.append), logged


def test_a_poison_batch_is_retried_a_bounded_number_of_times_then_reported() -> None:
    source, dbt = FakeSource("heights 1-10", "heights 11-20"), FakeDbt(failures=99)
    loop, logged = follower(source, dbt)
    assert loop.run() == EXIT_FAILED
    assert dbt.runs == 3 and source.done == []
    assert logged[-1] == "fake: heights 1-10 FAILED after 3 attempt(s): dbt run failed: balance_transfers: boom"
    assert [line.split(":")[1] for line in logged[:2]] == [" heights 1-10 failed (attempt 1/3)",
                                                           " heights 1-10 failed (attempt 2/3)"]


def test_a_batch_that_fails_once_is_retried_and_the_loop_goes_on() -> None:
    source, dbt = FakeSource("heights 1-10", "heights 11-20"), FakeDbt(failures=1)
    loop, logged = follower(source, dbt)
    assert loop.run() == EXIT_OK
    assert dbt.runs == 3 and source.done == ["heights 1-10", "heights 11-20"]
    assert [line.split(":")[0] for line in logged] == ["fake", "torus fake heights 1-10", "torus fake heights 11-20",
                                                       "fake"]
    assert batch_lines(logged[1]) == [("heights 1-10", "10 blocks, 40 events, - transfers")]
    assert logged[1].endswith("; lag 0 blocks (head 30)") and logged[-1] == "fake: caught up (lag 0 blocks (head 30))"


def test_once_exits_1_when_something_was_quarantined() -> None:
    source = FakeSource("heights 1-10")
    source.summary = LoadSummary(blocks=9, events=40, quarantined=1)
    loop, logged = follower(source, FakeDbt())
    assert loop.run() == EXIT_QUARANTINED
    assert "9 blocks, 40 events, - transfers, 1 quarantined;" in logged[0]


def test_a_signal_during_a_batch_lets_it_finish_and_starts_no_other() -> None:
    stop = StopFlag()
    source = FakeSource("heights 1-10", "heights 11-20")
    loop, logged = follower(source, FakeDbt(on_run=lambda: stop._handle(signal.SIGTERM, None)), stop)
    assert loop.run() == EXIT_OK
    assert source.done == ["heights 1-10"]
    assert logged[-1] == "fake: stopped by SIGTERM; the checkpoint is consistent: a re-run resumes at height 11"


def test_a_source_that_cannot_be_read_is_retried_then_reported() -> None:
    source = FakeSource()

    def broken(_batch_blocks: int) -> Poll:
        raise ConnectionError("server gone")

    source.poll = broken  # type: ignore[method-assign]
    loop, logged = follower(source, FakeDbt())
    assert loop.run() == EXIT_FAILED
    assert logged == ["fake: poll failed (attempt 1/3): server gone; retrying in 0.0 s",
                      "fake: poll failed (attempt 2/3): server gone; retrying in 0.0 s",
                      "fake: poll FAILED after 3 attempt(s): server gone"]


# ----- a folder's bad files ------------------------------------------------------------------------


def follow_folder(chdb_path: Path, inbox: Path) -> tuple[int, list[str]]:
    """One `--once` run over the folder, in this process, with no dbt selection to run."""
    logged: list[str] = []
    client = connect(chdb_path=chdb_path)
    try:
        options = FollowOptions("torus", once=True, retries=3, retry_delay=0)
        source = FolderSource(client, "torus", RAW, inbox, 0, logged.append)
        return Follower(client, source, FakeDbt(), options, StopFlag(), logged.append).run(), logged
    finally:
        client.close()


def test_a_file_that_is_not_a_block_stream_is_quarantined_and_the_next_one_loads(tmp_path: Path,
                                                                               chdb_path: Path) -> None:
    lines = generated(tmp_path, "torus", 10, 2)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_atomically(inbox / "b.ndjson", lines, mtime=time.time() - 5)
    garbage = inbox / "a.ndjson"
    garbage.write_bytes(bytes(range(256)) * 8)  # no line of it a block
    os.utime(garbage, (time.time() - 10, time.time() - 10))
    code, logged = follow_folder(chdb_path, inbox)
    assert code == EXIT_QUARANTINED, logged
    reason = (f"{garbage.resolve()}: not a block stream: none of its first 9 lines is a JSON object with block_height "
              "(canonical NDJSON: one block per line, see docs/loading.md)")
    assert batch_lines("\n".join(logged)) == [
        ("files a.ndjson", f"0 blocks, 0 events, - transfers, 1 quarantined, quarantined as a whole: {reason}"),
        ("files b.ndjson", f"10 blocks, {events_in(lines)} events, - transfers"),
    ], logged
    assert not any("FAILED" in line or "failed" in line for line in logged)
    assert query(chdb_path, f"select location, reason from {RAW}.quarantine") == [(str(garbage.resolve()), reason)]
    assert query(chdb_path, f"select file_name from {RAW}.follow_files order by file_name") == [("a.ndjson",), ("b.ndjson",)]
    assert query(chdb_path, f"select count() from {RAW}.blocks") == [(10,)]
    assert follow_folder(chdb_path, inbox) == (EXIT_OK, [f"folder:{inbox.resolve()}: caught up (lag 0 files)"])


def test_a_gap_left_by_a_quarantined_block_says_so_and_where_to_see_why(tmp_path: Path, chdb_path: Path) -> None:
    lines = generated(tmp_path, "torus", 10, 2)
    lines[3] = lines[3].replace('"block_hash":"0x', '"block_hash":"x', 1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_atomically(inbox / "a.ndjson", lines, mtime=time.time() - 5)
    code, logged = follow_folder(chdb_path, inbox)
    assert code == EXIT_GAP, logged
    path = inbox.resolve() / "a.ndjson"
    bad_hash = json.loads(lines[3])["block_hash"]
    assert logged[-2] == (
        f"folder:{inbox.resolve()}: height {TORUS_FIRST + 3} is missing from the files loaded so far (6 blocks above "
        f"it are loaded): its block was quarantined at {path}:4 (block_hash is not a 0x-prefixed hex string: "
        f"{bad_hash}); see it with: select location, reason, raw_text from {RAW}.quarantine where location = "
        f"'{path}:4'. A corrected file dropped into the folder fills the gap; the cursor waits there")
    assert logged[-1] == (f"folder:{inbox.resolve()}: stopped at a gap: height {TORUS_FIRST + 3} is missing; "
                          "lag 0 files")
