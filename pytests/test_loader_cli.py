"""The CLI's errors and arguments: one clear line and exit status 2, never a traceback; leftovers of
killed loaders removed on the next run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from loader.batch_files import remove_stale_batch_files
from loader.cli import main
from loader.connection import connect

DB = "substrate_raw"
# pid_max itself is never a process id: an owner that is certainly gone.
GONE_PID = int(Path("/proc/sys/kernel/pid_max").read_text())
BLOCK = ('{"block_height": 7, "block_hash": "0x07", "block_timestamp": 1735689600000, "events": [{"index": 0, '
         '"extrinsic_index": null, "phase": "finalization", "module_id": "Balances", "event_id": "Transfer", '
         '"attributes": {"amount": 5}}]}\n')


@pytest.fixture
def blocks(tmp_path: Path) -> Path:
    path = tmp_path / "b.ndjson"
    path.write_text(BLOCK)
    return path


def error_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The stderr of a run that must end with status 2."""
    assert main(list(argv)) == 2
    return capsys.readouterr().err


def test_unreachable_server_missing_table_and_file_as_chdb_path_are_one_line_each(
        chdb_path: Path, tmp_path: Path, blocks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert error_of(capsys, "load", "--network", "torus", "--url", "http://127.0.0.1:1", str(blocks)) == (
        "substrate-loader: error: ClickHouse server 127.0.0.1:1 could not be reached: [Errno 111] Connection refused\n")
    target = ["--chdb-path", str(chdb_path)]
    assert error_of(capsys, "load", "--network", "torus", *target, "--from-table", "nosuch.block_stream") == (
        "substrate-loader: error: nosuch.block_stream: no such table\n")
    assert main(["unlock", *target]) == 0  # the refused load gave its writer lock back
    assert capsys.readouterr().out == f"{DB}: no writer lock held\n"
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    assert error_of(capsys, "load", "--network", "torus", "--chdb-path", str(a_file), str(blocks)) == (
        f"substrate-loader: error: chDB data path {a_file} is a file, not a folder: give --chdb-path "
        "(or FLOWS_CHDB_PATH) a folder, new or holding chDB data\n")


def test_an_engine_error_is_its_first_line(chdb_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = connect(chdb_path=chdb_path)
    try:
        client.command("create database src")
        client.command("create table src.block_stream (block_height UInt32) engine = MergeTree order by block_height")
        client.command("insert into src.block_stream values (1)")
    finally:
        client.close()
    err = error_of(capsys, "load", "--network", "torus", "--chdb-path", str(chdb_path), "--from-table", "src.block_stream")
    assert err.startswith("substrate-loader: error: ClickHouse: Code: 47. DB::Exception: ")  # UNKNOWN_IDENTIFIER
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(("argv", "message"), [
    (["load", "--network", "torus", "--batch-mb", "0", "b.ndjson"],
     "substrate-loader load: error: argument --batch-mb: '0' is not a whole number of at least 1"),
    (["load", "--network", "torus", "--batch-mb", "-5", "b.ndjson"],
     "substrate-loader load: error: argument --batch-mb: '-5' is not a whole number of at least 1"),
    (["load", "--network", "torus", "--batch-mb", "1.5", "b.ndjson"],
     "substrate-loader load: error: argument --batch-mb: '1.5' is not a whole number of at least 1"),
    (["generate", "--network", "torus", "--blocks", "-5", "x.ndjson"],
     "substrate-loader generate: error: argument --blocks: '-5' is not a whole number of at least 1"),
    (["generate", "--network", "torus", "--blocks", "0", "x.ndjson"],
     "substrate-loader generate: error: argument --blocks: '0' is not a whole number of at least 1"),
    (["generate", "--network", "torus", "--blocks", "5", "missing/x.ndjson"],
     "substrate-loader generate: error: argument out: missing/x.ndjson: no such folder 'missing' (create it first)"),
    (["generate", "--network", "torus", "--blocks", "5", "x.csv"],
     "substrate-loader generate: error: argument out: x.csv: the name must end with .ndjson, .ndjson.gz or .ndjson.zst"),
    (["follow", "--network", "torus", "--batch-blocks", "0", "inbox"],
     "substrate-loader follow: error: argument --batch-blocks: '0' is not a whole number of at least 1"),
    (["follow", "--network", "torus", "--retries", "-1", "inbox"],
     "substrate-loader follow: error: argument --retries: '-1' is not a whole number, 0 or more"),
    (["follow", "--network", "torus", "--interval", "-2", "inbox"],
     "substrate-loader follow: error: argument --interval: '-2' is not a number of seconds, 0 or more"),
    (["follow", "--network", "torus", "--concurrency", "0", "--sidecar-url", "http://x"],
     "substrate-loader follow: error: argument --concurrency: '0' is not a whole number of at least 1"),
    (["follow", "--network", "torus", "--from-height", "-1", "src.block_stream"],
     "substrate-loader follow: error: argument --from-height: '-1' is not a whole number, 0 or more"),
])
def test_arguments_out_of_range_are_refused_before_anything_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == message
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, folder or chDB path made


def test_batch_files_of_loaders_that_are_gone_are_removed(tmp_path: Path, blocks: Path, chdb_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    stale_folder = folder / f"substrate-loader-{GONE_PID}-k2j4x9a_"
    stale_folder.mkdir()
    (stale_folder / "0.ndjson").write_bytes(b"x" * 1_000_000)
    (stale_folder / "1.ndjson").write_bytes(b"x" * 500_000)
    (folder / f"substrate-loader-{GONE_PID}-8u3kd0zq.batch").write_bytes(b"y" * 250_000)
    kept = [folder / f"substrate-loader-{os.getpid()}-livefold", folder / "substrate-loader-oldstyle", folder / "other"]
    for path in kept:  # a running loader's, one without an owner pid, and someone else's
        path.mkdir()
    assert main(["load", "--network", "torus", "--chdb-path", str(chdb_path), str(blocks)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        f"substrate-loader: removed 2 batch folder(s) or file(s) (1.8 MB) that stopped loaders left in {folder}")
    assert sorted(folder.iterdir()) == sorted(kept)
    assert remove_stale_batch_files(print) == 0
