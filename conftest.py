"""Shared helpers: each test gets its own chDB folder; dbt runs in a child process.

One chDB path can be open in one process at a time, so dbt (a child process) and the
test's own reads (this process) take turns: `query` opens, reads and closes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import clickhouse_connect
import pytest

from loader.connection import connect
from loader.synthetic.accounts import ss58

REPO = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def run_dbt(
    args: Sequence[str],
    chdb_path: Path,
    project_dir: Path = REPO,
    check: bool = True,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the dbt CLI of this virtual environment against `chdb_path`."""
    # Artifacts and logs go beside the chDB folder, so tests never share target/.
    env = {**os.environ, "FLOWS_CHDB_PATH": str(chdb_path),
           "DBT_TARGET_PATH": str(chdb_path.parent / "target"), "DBT_LOG_PATH": str(chdb_path.parent / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "DBT_USE_COLORS": "false", "NO_COLOR": "1"}
    env.update(extra_env or {})
    cmd = [str(BIN / "dbt"), *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    done = subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True, timeout=1800)
    if check and done.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}")
    return done


def query(chdb_path: Path, sql: str, parameters: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of one query on the chDB folder, opened and closed around it."""
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb_path))
    try:
        return [tuple(row) for row in client.query(sql, parameters=parameters).result_rows]
    finally:
        client.close()


@pytest.fixture
def chdb_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "chdb"
    path.mkdir()
    yield path


@pytest.fixture
def client(chdb_path: Path) -> Iterator[Any]:
    """A loader client on the test's chDB folder (closed after the test)."""
    c = connect(chdb_path=chdb_path)
    yield c
    c.close()


@pytest.fixture
def dbt(chdb_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    def call(*args: str, project_dir: Path = REPO, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_dbt(args, chdb_path, project_dir=project_dir, check=check)

    return call



_NAMES: dict[str, str] = {}  # each test account given so far -> its name


def account(name: str, prefix: int = 42) -> str:
    """A valid test account: the SS58 address (network `prefix`, real checksum) of a 32-byte id
    derived from `name`; the same name always gives the same address."""
    address = ss58(prefix, hashlib.sha256(name.encode()).digest())
    _NAMES[address] = name
    return address


def named(value: Any) -> Any:
    """`value` (a string, or rows, lists, sets and dicts of them) with every test account
    replaced by its name, so assertions read like the fixtures."""
    if isinstance(value, str):
        return _NAMES.get(value, value)
    if isinstance(value, dict):
        return {named(key): named(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(named(item) for item in value)
    return value
