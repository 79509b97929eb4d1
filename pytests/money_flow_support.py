"""Shared by the money-flow tests: raw chain rows written straight into the raw tables the way
the loader guarantees them (events first, the `blocks` row, the commit marker, last), so a test
runs the real pipeline raw -> staging -> balance_transfers -> money flow; and the expected
edges and account figures computed independently, in Python, from the same transfers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import clickhouse_connect

from loader.schema import ensure_schema

RAW = "substrate_raw"
FLOWS = "substrate_flows"
T0_MS = 1_700_000_000_000
BLOCK_MS = 6_000
DECIMALS = {"torus": 18, "bittensor": 9}
ASSETS = {"torus": "TOR", "bittensor": "TAO"}
SYSTEM_COUNTERPARTIES = {"emission"}  # the one system counterparty of the fixtures


@dataclass
class Event:
    module_id: str
    event_id: str
    attributes: Any
    extrinsic_index: int | None = 0


@dataclass
class Block:
    network: str
    height: int
    events: list[Event] = field(default_factory=list)
    signers: dict[int, str] = field(default_factory=dict)  # extrinsic index -> signer
    block_hash: str = ""

    def hash(self) -> str:
        return self.block_hash or f"0x{self.height:064x}"


@dataclass(frozen=True)
class Transfer:
    """A transfer as balance_transfers should record it (amount in token units)."""
    network: str
    height: int
    sender: str
    receiver: str
    amount: Decimal

    @property
    def asset(self) -> str:
        return ASSETS[self.network]


def transfer_event(transfer: Transfer) -> Event:
    planck = int(transfer.amount * 10 ** DECIMALS[transfer.network])
    return Event("Balances", "Transfer", {"from": transfer.sender, "to": transfer.receiver, "amount": planck})


def blocks_of(transfers: list[Transfer], block_hash: str = "") -> list[Block]:
    """One block per height holding its transfers, in order."""
    by_block: dict[tuple[str, int], list[Transfer]] = defaultdict(list)
    for transfer in transfers:
        by_block[(transfer.network, transfer.height)].append(transfer)
    return [Block(network, height, [transfer_event(t) for t in chunk], block_hash=block_hash)
            for (network, height), chunk in sorted(by_block.items())]


def block_time(height: int) -> datetime:
    return datetime.fromtimestamp((T0_MS + height * BLOCK_MS) / 1000, tz=timezone.utc)


def load_blocks(chdb_path: Path, blocks: list[Block], load_id: int) -> None:
    """One load batch: a block whose hash changed loses its old rows, then events,
    extrinsics and finally the blocks rows."""
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb_path))
    try:
        ensure_schema(client, RAW)
        now = datetime.now(tz=timezone.utc)
        for block in blocks:
            for table in ("events", "extrinsics"):
                client.command(
                    f"delete from {RAW}.{table} where network = {{n:String}} and block_height = {{h:UInt32}}"
                    " and block_hash != {s:String}",
                    parameters={"n": block.network, "h": block.height, "s": block.hash()})
        events = [
            [b.network, b.height, b.hash(), block_time(b.height), e.extrinsic_index, index,
             "apply_extrinsic" if e.extrinsic_index is not None else "finalization",
             e.module_id, e.event_id, json.dumps(e.attributes), "test", load_id, now]
            for b in blocks for index, e in enumerate(b.events)]
        if events:
            client.insert(f"{RAW}.events", events, column_names=[
                "network", "block_height", "block_hash", "block_time", "extrinsic_index", "event_index", "phase",
                "module_id", "event_id", "attributes", "source", "load_id", "loaded_at"])
        extrinsics = [
            [b.network, b.height, b.hash(), block_time(b.height), index, f"0x{b.height:08x}{index:04x}", signer,
             "SubtensorModule", "register_network", True, True, "test", load_id, now]
            for b in blocks for index, signer in b.signers.items()]
        if extrinsics:
            client.insert(f"{RAW}.extrinsics", extrinsics, column_names=[
                "network", "block_height", "block_hash", "block_time", "extrinsic_index", "extrinsic_hash", "signer",
                "call_module", "call_function", "success", "pays_fee", "source", "load_id", "loaded_at"])
        client.insert(f"{RAW}.blocks", [
            [b.network, b.height, b.hash(), block_time(b.height), len(b.signers), len(b.events), "test", load_id, now]
            for b in blocks], column_names=[
            "network", "block_height", "block_hash", "block_time", "extrinsic_count", "event_count", "source",
            "load_id", "loaded_at"])
    finally:
        client.close()


def expected_edges(transfers: list[Transfer]) -> list[tuple[Any, ...]]:
    """(network, from, to, asset, total volume, count, first height, last height), sorted."""
    edges: dict[tuple[str, str, str, str], list[Transfer]] = defaultdict(list)
    for t in transfers:
        edges[(t.network, t.sender, t.receiver, t.asset)].append(t)
    return sorted(
        (*key, sum(t.amount for t in ts), len(ts), min(t.height for t in ts), max(t.height for t in ts))
        for key, ts in edges.items())


def is_account(address: str) -> bool:
    """An address with an address_analytics row: neither a system counterparty nor ''."""
    return address not in SYSTEM_COUNTERPARTIES and address != ""


def expected_address_stats(transfers: list[Transfer]) -> list[tuple[Any, ...]]:
    """address_analytics' figures of every account: (network, address, transfer_count, sent,
    received, self-transfers, sent volume, received volume, received from the system (count,
    volume), sent to the system (count, volume), unique senders, unique receivers, unique
    counterparties, first height, last height), sorted. A self-transfer is one transfer, both
    sent and received; oneself and '' are nobody's counterparty."""
    taken_part: dict[tuple[str, str], list[Transfer]] = defaultdict(list)
    for t in transfers:
        for address in {t.sender, t.receiver}:
            if is_account(address):
                taken_part[(t.network, address)].append(t)
    rows = []
    for (network, address), seen in taken_part.items():
        sent = [t for t in seen if t.sender == address]
        received = [t for t in seen if t.receiver == address]
        from_system = [t for t in received if t.sender in SYSTEM_COUNTERPARTIES]
        to_system = [t for t in sent if t.receiver in SYSTEM_COUNTERPARTIES]
        senders = {t.sender for t in received} - {address, ""}
        receivers = {t.receiver for t in sent} - {address, ""}
        rows.append((
            network, address, len(seen), len(sent), len(received), sum(t.sender == t.receiver for t in seen),
            total(sent), total(received), len(from_system), total(from_system), len(to_system), total(to_system),
            len(senders), len(receivers), len(senders | receivers),
            min(t.height for t in seen), max(t.height for t in seen)))
    return sorted(rows)


def total(transfers: list[Transfer]) -> Decimal:
    return sum((t.amount for t in transfers), Decimal(0))
