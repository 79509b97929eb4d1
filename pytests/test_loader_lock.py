"""The writer lock of a raw database (loader/lock.py): one Landing, load or follow at a time."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from loader.api import load_lines
from loader.cli import main
from loader.connection import connect
from loader.landing import Landing, LineBatch
from loader.lock import LOCK_TABLE, Holder, LoaderLocked, current_holder, holding, unlock

DB = "substrate_raw"
STARTED = datetime(2026, 11, 21, 20, 0, tzinfo=timezone.utc)
# pid_max itself is never a process id: a holder "on this host" that is certainly gone.
GONE_PID = int(Path("/proc/sys/kernel/pid_max").read_text())
BLOCK = (b'{"block_height": 7, "block_hash": "0x07", "block_timestamp": 1735689600000, "events": [{"index": 0, '
         b'"extrinsic_index": null, "phase": "finalization", "module_id": "Balances", "event_id": "Transfer", '
         b'"attributes": {"amount": 5}}]}\n')


def plant_lock(client: Any, holder: Holder) -> None:
    """A lock left by some other loader."""
    client.command(f"create database if not exists {DB}")
    client.command(f"create table {DB}.{LOCK_TABLE} (host String, pid UInt32, started_at DateTime64(3, 'UTC'), "
                   "command String, token String) engine = MergeTree order by tuple()")
    client.insert(f"{DB}.{LOCK_TABLE}", [[holder.host, holder.pid, holder.started_at, holder.command, holder.token]],
                  column_names=["host", "pid", "started_at", "command", "token"])


def held_message(holder: Holder) -> str:
    return (f"raw database {DB} is being written by {holder.describe()}: one loader at a time per raw database. "
            f"Wait for it to finish, or, if it is gone, clear its lock with `substrate-loader unlock --database {DB}` "
            "(same --url/--chdb-path as the load)")


def lock_exists(client: Any) -> bool:
    return bool(client.command(f"exists table {DB}.{LOCK_TABLE}"))


def test_a_second_landing_is_refused_while_the_first_holds_the_lock(client: Any) -> None:
    first = Landing(client, "torus", DB)
    holder = current_holder(client, DB)
    assert holder is not None and (holder.host, holder.pid) == (socket.gethostname(), os.getpid())
    with pytest.raises(LoaderLocked) as refused:
        Landing(client, "torus", DB)
    assert str(refused.value) == held_message(holder)
    with pytest.raises(LoaderLocked):  # the API's entry points take the same lock
        load_lines(client, "torus", BLOCK, "second")
    assert current_holder(client, DB) == holder  # the refused ones left the holder's lock alone
    first.close()
    assert not lock_exists(client)
    summary = load_lines(client, "torus", BLOCK, "second")
    assert (summary.blocks, summary.events) == (1, 1)
    assert not lock_exists(client)


def test_a_lock_whose_process_is_gone_is_taken_over(client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    gone = Holder(socket.gethostname(), GONE_PID, STARTED, "substrate-loader load --network torus a.ndjson", "dead")
    plant_lock(client, gone)
    with Landing(client, "torus", DB) as landing:
        holder = current_holder(client, DB)
        assert holder is not None and (holder.pid, holder.token) == (os.getpid(), landing.lock.holder.token)
    assert capsys.readouterr().err == (f"substrate-loader: taking over the loader lock of {DB}: its holder "
                                       f"{gone.describe()} is no longer running\n")
    assert not lock_exists(client)


def test_a_lock_of_an_earlier_process_with_this_pid_is_taken_over(client: Any,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # A restarted container's loader runs with the pid (often 1) of the one that left the lock.
    earlier = Holder(socket.gethostname(), os.getpid(), STARTED, "substrate-loader follow --network torus inbox", "old")
    plant_lock(client, earlier)
    with Landing(client, "torus", DB) as landing:
        holder = current_holder(client, DB)
        assert holder is not None and holder.token == landing.lock.holder.token != "old"
    assert capsys.readouterr().err == (f"substrate-loader: taking over the loader lock of {DB}: its holder "
                                       f"{earlier.describe()} is no longer running\n")
    assert not lock_exists(client)


def test_a_lock_held_elsewhere_stops_load_and_follow_until_unlock(chdb_path: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = Holder("other-host", 4242, STARTED, "substrate-loader follow --network torus inbox", "remote")
    client = connect(chdb_path=chdb_path)
    try:
        plant_lock(client, elsewhere)
    finally:
        client.close()
    blocks = tmp_path / "b.ndjson"
    blocks.write_bytes(BLOCK)
    target = ["--chdb-path", str(chdb_path)]
    assert main(["load", "--network", "torus", str(blocks), *target]) == 2
    assert capsys.readouterr().err == f"substrate-loader: error: {held_message(elsewhere)}\n"
    assert main(["follow", "--network", "torus", str(tmp_path), "--once", *target]) == 2
    assert capsys.readouterr().err == f"substrate-loader: error: {held_message(elsewhere)}\n"
    assert main(["status", *target]) == 0
    assert capsys.readouterr().out == (f"being written by {elsewhere.describe()} (writer lock; `substrate-loader unlock` "
                                       "if it is gone)\nnothing loaded yet\n")
    assert main(["unlock", *target]) == 0
    assert capsys.readouterr().out == f"{DB}: writer lock of {elsewhere.describe()} cleared\n"
    assert main(["load", "--network", "torus", str(blocks), *target]) == 0
    assert main(["unlock", *target]) == 0
    assert capsys.readouterr().out == f"{DB}: no writer lock held\n"


def test_unlock_refuses_while_the_holder_runs_on_this_host_unless_forced(client: Any) -> None:
    with Landing(client, "torus", DB):
        holder = current_holder(client, DB)
        assert holder is not None
        with pytest.raises(LoaderLocked) as refused:
            unlock(client, DB)
        assert str(refused.value) == (f"raw database {DB} is being written by {holder.describe()}, which is still "
                                      f"running: stop it first (the lock goes with it; if pid {os.getpid()} is now "
                                      "another program, `substrate-loader unlock --force`)")
        assert current_holder(client, DB) == holder
        assert unlock(client, DB, force=True) == holder
        assert current_holder(client, DB) is None


def test_a_load_that_fails_midway_releases_the_lock_and_the_next_cleans_its_batch(client: Any) -> None:
    def broken(stage: str) -> None:
        client.command(f"insert into {DB}.events (network, block_height, block_hash, event_index, phase, module_id, "
                       "event_id, attributes, source, load_id) values ('torus', 9, '0x09', 0, 'finalization', 'A', "
                       "'B', 'null', 'broken', 1)")
        raise KeyboardInterrupt  # as Ctrl-C in the middle of a batch

    with pytest.raises(KeyboardInterrupt), Landing(client, "torus", DB) as landing:
        landing.land(LineBatch(b"", "broken", fill=broken))
    assert not lock_exists(client)
    summary = load_lines(client, "torus", BLOCK, "next")
    assert (summary.blocks, summary.events, summary.load_ids) == (1, 1, [2])
    assert client.query(f"select block_height, source, load_id from {DB}.events").result_rows == [(7, "next", 2)]
    assert client.query(f"select load_id, status from {DB}.loads order by load_id, status").result_rows == [
        (0, "committed"), (1, "cleaned"), (1, "started"), (2, "committed"), (2, "started")]



def test_a_release_that_fails_after_a_failed_load_does_not_hide_why_the_load_failed(
        client: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def connection_lost(token: str) -> None:
        raise OSError("connection lost")

    with pytest.raises(ValueError, match="^the load's own error$"), Landing(client, "torus", DB) as landing:
        monkeypatch.setattr(landing.lock, "_drop_if_held_by", connection_lost)
        raise ValueError("the load's own error")
    assert capsys.readouterr().err == (f"substrate-loader: could not release the loader lock of {DB} (connection lost); "
                                       "`substrate-loader unlock` clears it\n")


def test_a_run_holding_the_lock_lets_its_own_landings_in_and_no_one_else(chdb_path: Path) -> None:
    """`follow` holds the lock for its whole run; the Landings it makes per batch share it."""
    client, other = connect(chdb_path=chdb_path), connect(chdb_path=chdb_path)
    try:
        with holding(client, DB):
            holder = current_holder(client, DB)
            assert load_lines(client, "torus", BLOCK, "follow").blocks == 1
            assert current_holder(client, DB) == holder  # a batch's Landing does not release the run's lock
            with pytest.raises(LoaderLocked):
                load_lines(other, "torus", BLOCK, "other")
        assert not lock_exists(client)
        assert load_lines(other, "torus", BLOCK, "other").skipped == 1
    finally:
        other.close()
        client.close()
