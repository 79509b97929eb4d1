"""The baseline: the original system's way of filling balance_transfers, on the same NDJSON file.

    .venv/bin/python -m bench.baseline --network torus --chdb-path /tmp/baseline FILE.ndjson

The original indexer (../shared/seeds/000_*.txt) was a Python consumer: for each block it parsed
the events' JSON, picked the transfers and their fees in a loop, and inserted the rows with
clickhouse-connect, 100 blocks per insert (`--batch-size 100`), into its `balance_transfers`
table (ReplacingMergeTree(_version), partitioned by block range, sorted by (extrinsic_id,
event_idx, asset)). This module does the same, with the rules fixed where the original was wrong,
so that its rows can be compared with ours:

- `Balances.Transfer` only (from, to, amount; named object or positional array); none of the
  network-specific flows (staking, rewards, emissions, ...) that our models also extract;
- no transfer from an extrinsic holding `System.ExtrinsicFailed` (per extrinsic, not per block);
- fee: `TransactionPayment.TransactionFeePaid.actual_fee` of the same extrinsic, on the first
  transfer sent by the fee payer; 0 otherwise;
- amounts and fees divided by the network's decimals (exact, Python Decimal) into Decimal128(18).

It writes to its own chDB folder and prints one JSON line: blocks, events, transfers, seconds.
It does not keep raw events, handle replays, quarantine bad input or build any other table.
"""

from __future__ import annotations

import argparse
import decimal
import json
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import clickhouse_connect
import yaml

from loader.networks import Network, decimals_at, get_network

BLOCKS_PER_INSERT = 100  # the original consumer's --batch-size
PROJECT = Path(__file__).resolve().parent.parent / "dbt_project.yml"
COLUMNS = ["extrinsic_id", "event_idx", "block_height", "block_timestamp", "from_address", "to_address",
           "asset", "amount", "fee", "_version"]
TABLE_DDL = """
create table if not exists baseline.balance_transfers (
    extrinsic_id String,
    event_idx String,
    block_height UInt32,
    block_timestamp UInt64,
    from_address String,
    to_address String,
    asset String,
    amount Decimal128(18),
    fee Decimal128(18),
    _version UInt64
) engine = ReplacingMergeTree(_version)
partition by intDiv(block_height, {partition_blocks})
order by (extrinsic_id, event_idx, asset)
"""

decimal.getcontext().prec = 80  # u128 planck amounts scaled by up to 18 decimals stay exact


def block_transfers(block: dict[str, Any], network: Network, asset: str, version: int) -> Iterator[list[Any]]:
    """The rows of one block: Balances.Transfer outside failed extrinsics, fee on the payer's first."""
    events = block["events"]
    failed = {e["extrinsic_index"] for e in events if e["module_id"] == "System" and e["event_id"] == "ExtrinsicFailed"}
    fees: dict[int, tuple[str, int]] = {}
    for e in events:
        if e["module_id"] == "TransactionPayment" and e["event_id"] == "TransactionFeePaid":
            who, actual_fee = _fields(e["attributes"], ("who", "actual_fee"))
            fees[e["extrinsic_index"]] = (who, int(actual_fee))
    height = block["block_height"]
    scale = Decimal(10) ** -decimals_at(network, height)
    for e in events:
        if e["module_id"] != "Balances" or e["event_id"] != "Transfer" or e["extrinsic_index"] in failed:
            continue
        sender, recipient, amount = _fields(e["attributes"], ("from", "to", "amount"))
        fee = 0
        payer = fees.get(e["extrinsic_index"])
        if payer and payer[0] == sender:
            fee = payer[1]
            del fees[e["extrinsic_index"]]  # charged once per extrinsic
        yield [f"{height}-{e['extrinsic_index']}", f"{height}-{e['index']}", height, block["block_timestamp"],
               sender, recipient, asset, Decimal(int(amount)) * scale, Decimal(fee) * scale, version]


def _fields(attributes: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    if isinstance(attributes, dict):
        return tuple(attributes[name] for name in names)
    return tuple(attributes[: len(names)])


def network_settings(network_name: str) -> tuple[str, int]:
    """(asset, partition_blocks) of the network, from the settings our models use too."""
    settings = yaml.safe_load(PROJECT.read_text())["vars"]["networks"].get(network_name)
    if not settings:
        raise ValueError(f"{network_name}: no settings in {PROJECT} (vars: networks)")
    return settings["asset"], int(settings["partition_blocks"])


def run(network_name: str, path: Path, chdb_path: Path) -> dict[str, float]:
    network = get_network(network_name)
    asset, partition_blocks = network_settings(network_name)
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb_path))
    started = time.perf_counter()
    client.command("create database if not exists baseline")
    client.command(TABLE_DDL.format(partition_blocks=partition_blocks))
    blocks = events = transfers = 0
    rows: list[list[Any]] = []
    version = time.time_ns()
    with path.open("rb") as lines:
        for line in lines:
            block = json.loads(line)
            blocks += 1
            events += len(block["events"])
            rows.extend(block_transfers(block, network, asset, version))
            if blocks % BLOCKS_PER_INSERT == 0:
                transfers += _insert(client, rows)
    transfers += _insert(client, rows)
    seconds = time.perf_counter() - started
    client.close()
    return {"blocks": blocks, "events": events, "transfers": transfers, "seconds": seconds}


def _insert(client: Any, rows: list[list[Any]]) -> int:
    count = len(rows)
    if rows:
        client.insert("baseline.balance_transfers", rows, column_names=COLUMNS)
        rows.clear()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--network", required=True)
    parser.add_argument("--chdb-path", type=Path, required=True)
    parser.add_argument("path", type=Path, help="canonical NDJSON file (plain)")
    args = parser.parse_args()
    print(json.dumps(run(args.network, args.path, args.chdb_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
