"""The dbt commands users type, on fresh databases and after further loads.

A generated Torus stream is loaded with the loader; each command must succeed as typed and
build the tables the file implies (the transfer count is derived from the file here, by the
rules' own definition), and `dbt build --select balance_transfers+` after more blocks or a
re-organised block must leave every table as a full build of the same raw data does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIN, REPO, query, run_dbt

pytestmark = pytest.mark.slow

FLOWS = "substrate_flows"
# The Torus events a rule turns into a transfer (docs/networks.md).
TORUS_TRANSFER_EVENTS = {("Balances", "Transfer"), ("Torus0", "StakeAdded"), ("Torus0", "StakeRemoved"),
                         ("Staking", "Reward"), ("Treasury", "Awarded"), ("Permission0", "StreamDistribution")}
LOAD_FIRST = "No blocks loaded yet (database substrate_raw has no raw tables): run " \
             "`substrate-loader load --network NAME FILE` (or `make demo`) first."


def loader(*args: str | Path, chdb: Path) -> None:
    done = subprocess.run([str(BIN / "substrate-loader"), *map(str, args), "--chdb-path", str(chdb)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """340 generated Torus blocks (seed 7), one per line."""
    path = tmp_path_factory.mktemp("stream") / "torus.ndjson"
    done = subprocess.run([str(BIN / "substrate-loader"), "generate", "--network", "torus", "--blocks", "340",
                           "--seed", "7", str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return path


def lines(path: Path, count: int | None = None) -> list[str]:
    return path.read_text().splitlines()[:count]


def expected_transfers(blocks: list[str]) -> int:
    """Rule events outside failed extrinsics: the rows balance_transfers must hold."""
    count = 0
    for line in blocks:
        events = json.loads(line)["events"]
        failed = {e["extrinsic_index"] for e in events if (e["module_id"], e["event_id"]) == ("System", "ExtrinsicFailed")}
        count += sum((e["module_id"], e["event_id"]) in TORUS_TRANSFER_EVENTS and e["extrinsic_index"] not in failed
                     for e in events)
    return count


def write(path: Path, blocks: list[str]) -> Path:
    path.write_text("\n".join(blocks) + "\n")
    return path


def table_fingerprints(chdb: Path) -> dict[str, tuple[int, int]]:
    """(rows, order-free hash of every row) of each table and view dbt built. Aggregate states
    are compared by their final values (their bytes depend on the order they were filled in)."""
    tables = [row[0] for row in query(chdb, f"select name from system.tables where database = '{FLOWS}' "
                                            "and name != 'dbt_watermarks' order by name")]
    fingerprints = {}
    for table in tables:
        columns = query(chdb, f"select name, type from system.columns where database = '{FLOWS}' "
                              f"and table = '{table}' order by position")
        values = [f"toString(finalizeAggregation(`{name}`))" if type_.startswith("AggregateFunction")
                  else f"`{name}`" for name, type_ in columns]
        fingerprints[table] = query(chdb, f"select count(), groupBitXor(cityHash64({', '.join(values)})) "
                                          f"from {FLOWS}.`{table}`")[0]
    return fingerprints


def test_every_built_model_is_balance_transfers_or_below_it(tmp_path: Path) -> None:
    """What `balance_transfers+` leaves out must be ephemeral (always current): otherwise a table
    upstream of a selected model could be missing on a fresh database, or stale after a load."""
    target = tmp_path / "target"
    run_dbt(["parse"], tmp_path / "chdb", extra_env={"DBT_TARGET_PATH": str(target)})
    manifest = json.loads((target / "manifest.json").read_text())
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    below = {"model.substrate_flows.balance_transfers"}
    pending = list(below)
    while pending:
        for child in manifest["child_map"][pending.pop()]:
            if child in models and child not in below:
                below.add(child)
                pending.append(child)
    built_elsewhere = sorted(node["name"] for uid, node in models.items()
                             if uid not in below and node["config"]["materialized"] != "ephemeral")
    assert built_elsewhere == []
    # 42 before the staking marts: + stake_movement_legs, bittensor_alpha_fees and three staking marts
    assert sum(node["config"]["materialized"] != "ephemeral" for node in models.values()) == 47


@pytest.mark.parametrize("command", [
    ["build"], ["run"], ["test"], ["compile"], ["docs", "generate"], ["show", "--select", "balance_transfers_statistics"],
])
def test_every_command_before_a_load_says_to_load_first(chdb_path: Path, command: list[str]) -> None:
    done = run_dbt(command, chdb_path, check=False)
    assert done.returncode != 0
    assert LOAD_FIRST in done.stdout
    assert "Traceback" not in done.stdout + done.stderr and "DB::Exception" not in done.stdout


@pytest.mark.parametrize("commands", [
    [["build", "--select", "balance_transfers+"]],
    [["run", "--select", "+balance_transfers"]],
    [["build"]],
    [["run"], ["test"]],
    [["docs", "generate"]],
], ids=["build balance_transfers+", "run +balance_transfers", "build", "run then test", "docs generate"])
def test_each_command_on_a_fresh_database(chdb_path: Path, stream: Path, commands: list[list[str]]) -> None:
    blocks = lines(stream, 300)
    loader("load", "--network", "torus", write(chdb_path.parent / "first.ndjson", blocks), chdb=chdb_path)
    for command in commands:
        run_dbt(command, chdb_path)
    if commands[0][0] == "docs":
        catalog = json.loads((chdb_path.parent / "target" / "catalog.json").read_text())
        assert "source.substrate_flows.chain.events" in catalog["sources"]
        return
    assert query(chdb_path, f"select count() from {FLOWS}.balance_transfers") == [(expected_transfers(blocks),)]
    if commands != [["run", "--select", "+balance_transfers"]]:
        assert query(chdb_path, f"select sum(transfer_count) from {FLOWS}.network_activity_daily") \
            == [(expected_transfers(blocks),)]


def test_more_blocks_and_a_replaced_block_keep_every_mart_current(tmp_path: Path, stream: Path) -> None:
    first, everything = lines(stream, 300), lines(stream)
    # Block 1200150 re-organised: a new hash, and its first transfer is gone.
    forked = json.loads(everything[150])
    dropped = next(i for i, e in enumerate(forked["events"])
                   if (e["module_id"], e["event_id"]) == ("Balances", "Transfer"))
    forked["block_hash"] = "0x" + "ab" * 32
    forked["events"] = [e for i, e in enumerate(forked["events"]) if i != dropped]
    for index, event in enumerate(forked["events"]):
        event["index"] = index
    files = [write(tmp_path / "first.ndjson", first), write(tmp_path / "all.ndjson", everything),
             write(tmp_path / "fork.ndjson", [json.dumps(forked)])]
    final_blocks = everything[:150] + [json.dumps(forked)] + everything[151:]

    daily = tmp_path / "daily" / "chdb"
    daily.mkdir(parents=True)
    for path in files:
        loader("load", "--network", "torus", path, chdb=daily)
        run_dbt(["build", "--select", "balance_transfers+"], daily)
        if path.name == "all.ndjson":  # the marts moved with the 40 new blocks
            assert query(daily, f"select sum(transfer_count) from {FLOWS}.network_activity_daily") \
                == [(expected_transfers(everything),)]
    assert query(daily, f"select count() from {FLOWS}.balance_transfers") == [(expected_transfers(final_blocks),)]

    def rebuilt(name: str, *select: str) -> Path:
        chdb = tmp_path / name / "chdb"
        chdb.mkdir(parents=True)
        for path in files:
            loader("load", "--network", "torus", path, chdb=chdb)
        run_dbt(["build", *select], chdb)
        return chdb

    full = table_fingerprints(rebuilt("full"))
    assert len(full) == 47  # every table and view of the project
    assert table_fingerprints(daily) == full
    assert table_fingerprints(rebuilt("both_ways", "--select", "+balance_transfers+")) == full


def test_dbt_show_works_on_every_model(chdb_path: Path, stream: Path) -> None:
    loader("load", "--network", "torus", write(chdb_path.parent / "first.ndjson", lines(stream, 100)),
           chdb=chdb_path)
    run_dbt(["build"], chdb_path)
    run_dbt(["parse"], chdb_path)
    # One process (partial parsing keeps each invocation short): `dbt show --select MODEL` per model.
    script = f"""
import json
from dbt.cli.main import dbtRunner
manifest_path = {str(chdb_path.parent / "target" / "manifest.json")!r}
names = sorted(n["name"] for n in json.load(open(manifest_path))["nodes"].values()
               if n["resource_type"] == "model" and n["package_name"] == "substrate_flows")
failed = [name for name in names if not dbtRunner().invoke(
    ["show", "--select", name, "--limit", "1", "--project-dir", {str(REPO)!r}, "--profiles-dir", {str(REPO)!r},
     "--quiet"]).success]
print("models", len(names), "failed", failed)
"""
    env = {"FLOWS_CHDB_PATH": str(chdb_path), "DBT_TARGET_PATH": str(chdb_path.parent / "target"),
           "DBT_LOG_PATH": str(chdb_path.parent / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "models 56 failed []" in done.stdout, done.stdout[-3000:]


def test_malformed_amounts_never_stop_the_build(chdb_path: Path, stream: Path) -> None:
    """Odd and bad amounts in a real stream: the exact integer forms are read as the integers they
    are, the rest go to balance_transfers_rejected with their reason, the fees of their extrinsics
    stay accounted for, and `dbt build --select balance_transfers+` completes with every test."""
    blocks = [json.loads(line) for line in lines(stream, 60)]
    # written amount -> (kept as, or rejected with)
    amounts = {"1E+21": ("1000", None), "1.5e21": ("1500", None), "2.50e20": ("250", None),
               "1000.000": ("0.000000000000001", None), "-5": (None, "amount_not_an_unsigned_integer"),
               "\"0x1f\"": (None, "amount_not_an_unsigned_integer"), "1.5": (None, "amount_not_an_unsigned_integer"),
               str(2**128): (None, "amount_exceeds_decimal128_18")}
    changed: list[tuple[int, int, str]] = []
    for block in blocks:  # the first transfer (outside a failed extrinsic) of the first blocks with one
        failed = {e["extrinsic_index"] for e in block["events"] if e["event_id"] == "ExtrinsicFailed"}
        event = next((e for e in block["events"] if (e["module_id"], e["event_id"]) == ("Balances", "Transfer")
                      and isinstance(e["attributes"], dict) and e["extrinsic_index"] is not None
                      and e["extrinsic_index"] not in failed), None)
        if event is None or len(changed) == len(amounts):
            continue
        changed.append((block["block_height"], event["index"], list(amounts)[len(changed)]))
    text = "\n".join(json.dumps(b) for b in blocks) + "\n"
    for height, index, written in changed:  # replace the amount's JSON text in its line
        block = next(b for b in blocks if b["block_height"] == height)
        line = json.dumps(block)
        event = block["events"][index]
        old = json.dumps(event)
        new = old.replace(f'"amount": {event["attributes"]["amount"]}', f'"amount": {written}')
        assert new != old
        text = text.replace(line, line.replace(old, new))
    path = chdb_path.parent / "odd.ndjson"
    path.write_text(text)
    loader("load", "--network", "torus", path, chdb=chdb_path)
    run_dbt(["build", "--select", "balance_transfers+"], chdb_path)  # every test passes
    for height, index, written in changed:
        kept = query(chdb_path, f"select toString(amount) from {FLOWS}.balance_transfers "
                                f"where block_height = {height} and event_index = {index}")
        rejected = query(chdb_path, f"select reject_reason from {FLOWS}.balance_transfers_rejected "
                                    f"where block_height = {height} and event_index = {index}")
        kept_as, reason = amounts[written]
        assert (kept, rejected) == ([(kept_as,)] if kept_as else [], [(reason,)] if reason else []), written
    assert len(changed) == len(amounts)
    assert query(chdb_path, f"select count() from {FLOWS}.balance_transfers") == [
        (expected_transfers(text.splitlines()) - 4,)]
