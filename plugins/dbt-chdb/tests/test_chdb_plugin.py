"""The `chdb` dbt adapter plugin, on a tiny project of its own (tests/project beside this file)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BIN, query, run_dbt

PROJECT = Path(__file__).parent / "project"

pytestmark = pytest.mark.slow


def build(chdb_path: Path, upto: int, command: str = "build") -> None:
    run_dbt([command, "--vars", json.dumps({"upto": upto})], chdb_path, project_dir=PROJECT)


def test_debug_connects(chdb_path: Path) -> None:
    out = run_dbt(["debug"], chdb_path, project_dir=PROJECT).stdout
    assert "Registered adapter: chdb=" in out
    assert "Connection test: [OK connection ok]" in out


def test_incremental_run_twice_keeps_exact_rows(chdb_path: Path) -> None:
    build(chdb_path, 5, "run")
    assert query(chdb_path, "select count(), sum(amount) from plugin_check.events_incremental") == [(5, 150)]
    build(chdb_path, 8)  # appends rows 6..8 only
    assert query(chdb_path, "select count(), uniqExact(event_id), sum(amount) from plugin_check.events_incremental") == [(8, 8, 360)]
    build(chdb_path, 8)  # nothing new: nothing appended
    assert query(chdb_path, "select count(), sum(amount) from plugin_check.events_incremental") == [(8, 360)]


def test_replacing_merge_tree_keeps_latest_version(chdb_path: Path) -> None:
    build(chdb_path, 5, "run")
    build(chdb_path, 8, "run")
    latest = query(chdb_path, "select account, balance, _version from plugin_check.latest_balance final order by account")
    # upto=8: acct-1 gets 10+40+70, acct-2 20+50+80, acct-3 30+60; the upto=5 rows are replaced.
    assert latest == [("acct-1", 120, 8), ("acct-2", 150, 8), ("acct-3", 90, 8)]
    engine = query(chdb_path, "select engine_full from system.tables where database = 'plugin_check' and name = 'latest_balance'")
    assert engine[0][0].startswith("ReplacingMergeTree(_version)")


def test_seed_snapshot_unit_test_and_data_tests_pass(chdb_path: Path) -> None:
    build(chdb_path, 3, "run")
    build(chdb_path, 4)
    results = json.loads((chdb_path.parent / "target" / "run_results.json").read_text())
    statuses = {r["unique_id"].split(".")[-1]: r["status"] for r in results["results"]}
    assert statuses["incremental_filters_new_rows"] == "pass"
    assert statuses["accounts_snapshot"] == "success"
    assert statuses["accounts"] == "success"
    assert all(s in ("pass", "success") for s in statuses.values()), statuses
    assert query(chdb_path, "select account, label from plugin_check.accounts_snapshot order by account") == [
        ("alice", "retail"), ("bob", "whale"), ("carol", "exchange")]


def test_docs_generate_writes_catalog_with_column_types(chdb_path: Path) -> None:
    build(chdb_path, 3, "run")
    run_dbt(["docs", "generate"], chdb_path, project_dir=PROJECT)
    catalog = json.loads((chdb_path.parent / "target" / "catalog.json").read_text())
    manifest = json.loads((chdb_path.parent / "target" / "manifest.json").read_text())
    columns = catalog["nodes"]["model.plugin_check.events_incremental"]["columns"]
    assert {name: col["type"] for name, col in columns.items()} == {
        "event_id": "UInt32", "account": "String", "amount": "UInt64"}
    assert manifest["metadata"]["adapter_type"] == "chdb"
    assert catalog["nodes"]["model.plugin_check.events_incremental"]["metadata"]["type"] == "table"


def test_second_process_on_same_path_gets_clear_error(chdb_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, clickhouse_connect;"
         f"c = clickhouse_connect.get_client(interface='chdb', path={str(chdb_path)!r});"
         "print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        started = time.monotonic()
        done = run_dbt(["debug"], chdb_path, project_dir=PROJECT, check=False)
        assert time.monotonic() - started < 120  # an error, not a hang
        assert done.returncode != 0
        assert "could not be opened: another process" in done.stdout
    finally:
        holder.communicate(input="", timeout=30)
    # The holder has exited: the path opens again.
    assert run_dbt(["debug"], chdb_path, project_dir=PROJECT).returncode == 0
