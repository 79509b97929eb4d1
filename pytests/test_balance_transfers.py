"""balance_transfers end to end: hand-written raw rows -> dbt build -> exact rows.

Raw rows are written straight into the raw tables (loader/schema.sql) the way the loader
guarantees them: events of a block version first, its `blocks` row (the commit marker) last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import clickhouse_connect
import pytest

from conftest import query, run_dbt
from loader.schema import ensure_schema

pytestmark = pytest.mark.slow

RAW = "substrate_raw"
T0 = 1_700_000_000_000  # ms


@dataclass
class Event:
    module_id: str
    event_id: str
    attributes: Any
    extrinsic_index: int | None = None


@dataclass
class Block:
    network: str
    height: int
    events: list[Event] = field(default_factory=list)
    block_hash: str = ""

    def hash(self) -> str:
        return self.block_hash or f"0x{self.height:064x}"


def utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def load_raw(chdb_path: Path, blocks: list[Block], load_id: int) -> None:
    """Writes blocks as one load batch: replaced versions' rows deleted, events, then blocks."""
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb_path))
    try:
        ensure_schema(client, RAW)
        now = datetime.now(tz=timezone.utc)
        for block in blocks:  # a block whose hash changed loses its old rows first (loader contract)
            client.command(
                f"delete from {RAW}.events where network = {{n:String}} and block_height = {{h:UInt32}}"
                " and block_hash != {s:String}",
                parameters={"n": block.network, "h": block.height, "s": block.hash()})
        event_rows = []
        for block in blocks:
            time = utc(T0 + block.height * 8000)
            for index, event in enumerate(block.events):
                phase = "apply_extrinsic" if event.extrinsic_index is not None else "finalization"
                event_rows.append([block.network, block.height, block.hash(), time, event.extrinsic_index, index,
                                   phase, event.module_id, event.event_id, json.dumps(event.attributes),
                                   "test", load_id, now])
        if event_rows:
            client.insert(f"{RAW}.events", event_rows, column_names=[
                "network", "block_height", "block_hash", "block_time", "extrinsic_index", "event_index", "phase",
                "module_id", "event_id", "attributes", "source", "load_id", "loaded_at"])
        client.insert(f"{RAW}.blocks", [
            [b.network, b.height, b.hash(), utc(T0 + b.height * 8000), 0, len(b.events), "test", load_id, now]
            for b in blocks], column_names=[
            "network", "block_height", "block_hash", "block_time", "extrinsic_count", "event_count", "source",
            "load_id", "loaded_at"])
    finally:
        client.close()


def build(chdb_path: Path, *extra: str) -> None:
    # Only this part's models (and their tests): other marts build on top of balance_transfers.
    run_dbt(["build", "--select", "+balance_transfers", "balance_transfers_rejected", *extra], chdb_path)


def transfers(chdb_path: Path) -> list[tuple[Any, ...]]:
    return query(chdb_path, """
        select network, block_height, event_index, extrinsic_id, from_address, to_address, asset,
               toString(amount), toString(fee), transfer_type, from_is_system, to_is_system, _version
        from substrate_flows.balance_transfers
        order by network, block_height, event_index""")


def fee_paid(who: str, actual_fee: int, extrinsic: int, tip: int = 0) -> Event:
    return Event("TransactionPayment", "TransactionFeePaid", {"who": who, "actual_fee": actual_fee, "tip": tip},
                 extrinsic)


def test_torus_transfer_fee_and_failed_extrinsic(chdb_path: Path) -> None:
    load_raw(chdb_path, [
        Block("torus", 10, [
            Event("Balances", "Transfer", {"from": "A", "to": "B", "amount": 10**18}, 1),
            fee_paid("A", 149442879641600, 1, tip=1000),
            # Extrinsic 2 failed: its transfer is excluded, extrinsic 1's is not.
            Event("Balances", "Transfer", ["A", "C", 5 * 10**18], 2),
            Event("System", "ExtrinsicFailed", {"dispatch_error": {"Module": {"index": 12}}}, 2),
        ]),
        Block("torus", 11, [
            Event("Torus0", "StakeAdded", ["A", "D", 13000340975772328810068], 0),
        ]),
    ], load_id=1)
    build(chdb_path)
    assert transfers(chdb_path) == [
        ("torus", 10, 0, "10-1", "A", "B", "TOR", "1", "0.0001494428796416", "transfer", False, False, 1),
        ("torus", 11, 0, "11-0", "A", "D", "TOR", "13000.340975772328810068", "0", "stake_added", False, False, 1),
    ]
