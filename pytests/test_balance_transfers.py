"""balance_transfers end to end: hand-written raw rows -> dbt build -> exact rows.

Raw rows are written straight into the raw tables (loader/schema.sql) the way the loader
guarantees them: events of a block version first, its `blocks` row (the commit marker) last.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import clickhouse_connect
import pytest

from conftest import account, query, run_dbt
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
    """Writes blocks as one load batch: replaced versions' rows deleted, new events, then blocks."""
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb_path))
    try:
        ensure_schema(client, RAW)
        now = datetime.now(tz=timezone.utc)
        landed = {(n, h, s) for n, h, s in client.query(
            f"select network, block_height, block_hash from {RAW}.events group by all").result_rows}
        for block in blocks:  # a block whose hash changed loses its old rows first (loader contract)
            client.command(
                f"delete from {RAW}.events where network = {{n:String}} and block_height = {{h:UInt32}}"
                " and block_hash != {s:String}",
                parameters={"n": block.network, "h": block.height, "s": block.hash()})
        event_rows = []
        for block in blocks:
            if (block.network, block.height, block.hash()) in landed:
                continue  # same hash again: events stay as they are, only `blocks` gets the new load
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


def build(chdb_path: Path, *extra: str, select: tuple[str, ...] = ("balance_transfers", "balance_transfers_rejected")) -> None:
    # Only this part's models (and their tests): other marts build on top of balance_transfers.
    run_dbt(["build", "--select", *select, "--indirect-selection", "cautious", *extra], chdb_path)


def compiled_run(chdb_path: Path) -> str:
    """The SQL balance_transfers' statement ran last."""
    return (chdb_path.parent / "target" / "run" / "substrate_flows" / "models" / "marts" / "transfers"
            / "balance_transfers.sql").read_text()


def transfers(chdb_path: Path) -> list[tuple[Any, ...]]:
    return query(chdb_path, """
        select network, block_height, event_index, extrinsic_id, from_address, to_address, asset,
               toString(amount), toString(fee), transfer_type, from_is_system, to_is_system, _version
        from substrate_flows.balance_transfers
        order by network, block_height, event_index""")


def fee_paid(who: str, actual_fee: int, extrinsic: int, tip: int = 0) -> Event:
    return Event("TransactionPayment", "TransactionFeePaid", {"who": who, "actual_fee": actual_fee, "tip": tip},
                 extrinsic)


A, B, C, D = (account(name) for name in "ABCD")  # Torus accounts
COLD, HOT = account("cold"), account("hot")  # Bittensor coldkey / hotkey
P1, P2 = account("P1", prefix=0), account("P2", prefix=0)  # Polkadot accounts
U128_MAX = 2**128 - 1

FIRST_LOAD = [
    Block("torus", 10, [
        Event("Balances", "Transfer", {"from": A, "to": B, "amount": 123456789012345678901234567}, 1),
        fee_paid(A, 149442879641600, 1, tip=1000),
        # Extrinsic 2 failed: its transfer is excluded, extrinsic 1's (same block) is not.
        Event("Balances", "Transfer", [A, C, 5 * 10**18], 2),
        Event("System", "ExtrinsicFailed", {"dispatch_error": {"Module": {"index": 12}}}, 2),
    ]),
    Block("torus", 11, [Event("Torus0", "StakeAdded", [A, D, 13000340975772328810068], 0)]),
    Block("bittensor", 5, [
        Event("SubtensorModule", "EmissionReceived", [HOT, 1_000_000_000]),
        Event("SubtensorModule", "StakeAdded", [HOT, 999_999_000], 1),
        fee_paid(COLD, 100838543, 1),
    ]),
    Block("polkadot", 1_248_327, [  # the last block with 12 DOT decimals
        Event("Balances", "Transfer", [P1, P2, 10_000_000_000_000], 1),
        Event("TransactionPayment", "TransactionFeePaid", [P1, 15_900_000_000, 0], 1),
    ]),
]
SECOND_LOAD = [
    Block("torus", 12, [Event("Balances", "Transfer", {"from": B, "to": A, "amount": 2 * 10**18}, 0)]),
    Block("polkadot", 1_248_328, [  # from here on DOT has 10 decimals
        Event("Balances", "Transfer", {"from": P1, "to": P2, "amount": 10_000_000_000_000}, 1),
    ]),
    Block("bittensor", 6, [
        Event("Balances", "Transfer", {"from": COLD, "to": HOT, "amount": U128_MAX}, 1),  # >= 10^20 TAO
        Event("Balances", "Transfer", {"from": COLD, "to": HOT, "amount": 2**64 * 1000}, 2),
        Event("Balances", "Transfer", {"from": COLD, "to": HOT, "amount": "12abc"}, 3),
    ]),
]
FIRST_ROWS = [
    ("bittensor", 5, 0, "", "emission", HOT, "TAO", "1", "0", "emission", True, False, 1),
    ("bittensor", 5, 1, "5-1", "", HOT, "TAO", "0.999999", "0", "stake_added_legacy", False, False, 1),
    ("polkadot", 1248327, 0, "1248327-1", P1, P2, "DOT", "10", "0.0159", "transfer", False, False, 1),
    ("torus", 10, 0, "10-1", A, B, "TOR", "123456789.012345678901234567", "0.0001494428796416", "transfer",
     False, False, 1),
    ("torus", 11, 0, "11-0", A, D, "TOR", "13000.340975772328810068", "0", "stake_added", False, False, 1),
]
SECOND_ROWS = [
    ("bittensor", 6, 1, "6-2", COLD, HOT, "TAO", "18446744073709.551616", "0", "transfer", False, False, 2),
    ("polkadot", 1248328, 0, "1248328-1", P1, P2, "DOT", "1000", "0", "transfer", False, False, 2),
    ("torus", 12, 0, "12-0", B, A, "TOR", "2", "0", "transfer", False, False, 2),
]


def by_key(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def rejected(chdb_path: Path) -> list[tuple[Any, ...]]:
    return query(chdb_path, """
        select network, block_height, event_index, reject_reason, amount_text
        from substrate_flows.balance_transfers_rejected order by network, block_height, event_index""")


def table_state(chdb_path: Path) -> list[tuple[Any, ...]]:
    """Active parts and mutations of this part's tables: what a run that changes nothing keeps."""
    return query(chdb_path, """
        select table, count(), sum(rows), (select count() from system.mutations where database = 'substrate_flows')
        from system.parts where database = 'substrate_flows' and active
          and table in ('balance_transfers', 'balance_transfers_rejected')
        group by table order by table""")


def test_incremental_in_two_loads_equals_full_refresh(chdb_path: Path) -> None:
    load_raw(chdb_path, FIRST_LOAD, load_id=1)
    build(chdb_path)
    assert transfers(chdb_path) == FIRST_ROWS
    load_raw(chdb_path, SECOND_LOAD, load_id=2)
    build(chdb_path)
    # Only the new blocks were read (every network's batch starts above load 1) and nothing deleted.
    ran = compiled_run(chdb_path)
    assert ran.count("load_id > 1 and load_id <= 2") == 3 * 3  # failures, stake legs, events; 3 networks
    assert query(chdb_path, "select count() from system.mutations where database = 'substrate_flows'") == [(0,)]
    incremental = transfers(chdb_path)
    assert incremental == by_key(FIRST_ROWS + SECOND_ROWS)
    assert rejected(chdb_path) == [
        ("bittensor", 6, 0, "amount_exceeds_decimal128_18", str(U128_MAX)),
        ("bittensor", 6, 2, "amount_not_an_unsigned_integer", "12abc"),
    ]
    build(chdb_path, "--full-refresh")
    assert transfers(chdb_path) == incremental


def test_run_with_nothing_new_changes_nothing_and_replay_shows_each_transfer_once(chdb_path: Path) -> None:
    load_raw(chdb_path, FIRST_LOAD, load_id=1)
    build(chdb_path)
    state = table_state(chdb_path)
    build(chdb_path)  # nothing new: no insert, no delete
    assert table_state(chdb_path) == state
    assert transfers(chdb_path) == FIRST_ROWS
    # Replay: the same blocks (same hashes) committed again by a later load. The loader skips such
    # blocks entirely; a newer `blocks` row is the harder case: re-processed, replaced, never doubled.
    load_raw(chdb_path, FIRST_LOAD, load_id=2)
    build(chdb_path)
    assert transfers(chdb_path) == [row[:-1] + (2,) for row in FIRST_ROWS]
    assert query(chdb_path, """
        select count(), uniqExact(network, block_height, event_index) from substrate_flows.balance_transfers
        """) == [(len(FIRST_ROWS), len(FIRST_ROWS))]


def test_reloaded_block_with_new_hash_replaces_its_transfers(chdb_path: Path) -> None:
    load_raw(chdb_path, FIRST_LOAD, load_id=1)
    build(chdb_path)
    load_raw(chdb_path, [
        Block("torus", 10, [Event("System", "Remarked", {"sender": A, "hash": "0x00"}, 0)], block_hash="0xfork10"),
        Block("torus", 11, [Event("Balances", "Transfer", [C, A, 9 * 10**18], 1)], block_hash="0xfork11"),
    ], load_id=2)
    build(chdb_path)
    assert transfers(chdb_path) == [
        row for row in FIRST_ROWS if row[0] != "torus"
    ] + [("torus", 11, 0, "11-1", C, A, "TOR", "9", "0", "transfer", False, False, 2)]
    # The run read the two torus blocks of load 2 only, and recorded that it processed them.
    assert re.findall(r"\(network = '(\w+)' and block_height between (\d+) and (\d+) and load_id > (\d+)"
                      r" and load_id <= (\d+)\)", compiled_run(chdb_path)) == [("torus", "10", "11", "1", "2")] * 3
    assert query(chdb_path, """
        select model, network, argMax(version, recorded_at) from substrate_flows.dbt_watermarks
        group by model, network order by model, network""") == [
        (model, network, 2 if network == "torus" else 1)
        for model in ("balance_transfers", "balance_transfers_rejected")
        for network in ("bittensor", "polkadot", "torus")]


def test_chain_without_settings_is_rejected_and_fails_the_build(chdb_path: Path) -> None:
    load_raw(chdb_path, [Block("rococo", 7, [Event("Balances", "Transfer", [A, B, 10**12], 1)])], load_id=1)
    done = run_dbt(["build", "--select", "balance_transfers", "balance_transfers_rejected", "--indirect-selection",
                    "cautious"], chdb_path, check=False)
    assert done.returncode != 0
    assert "FAIL 1 transfers_every_network_has_settings" in done.stdout
    assert query(chdb_path, "select count() from substrate_flows.balance_transfers") == [(0,)]
    assert rejected(chdb_path) == [("rococo", 7, 0, "no_network_settings", "1000000000000")]


def chunks_ran(chdb_path: Path) -> list[list[tuple[str, int, int, int, int]]]:
    """The chunks of balance_transfers' last run, from its statement's header: per chunk, each
    network's (first height, last height, versions above, versions up to)."""
    header = re.search(r"-- incremental batch: (\{.*\})", compiled_run(chdb_path))
    assert header, "balance_transfers ran without its batch header"
    return [[(b["network"], b["first_height"], b["last_height"], b["mark"], b["upper"]) for b in chunk]
            for chunk in json.loads(header.group(1))["chunks"]]


def test_extraction_in_chunks_of_loads_equals_one_statement(chdb_path: Path) -> None:
    one_load_per_chunk = ("--vars", "{transfer_extraction_chunk_events: 1}")
    only = ("balance_transfers",)
    load_raw(chdb_path, FIRST_LOAD, load_id=1)
    load_raw(chdb_path, SECOND_LOAD, load_id=2)
    build(chdb_path, *one_load_per_chunk, select=only)  # load 1 in its statement, load 2 in the post_hook
    assert chunks_ran(chdb_path) == [
        [("bittensor", 5, 5, 0, 1), ("polkadot", 1248327, 1248327, 0, 1), ("torus", 10, 11, 0, 1)],
        [("bittensor", 6, 6, 1, 2), ("polkadot", 1248328, 1248328, 1, 2), ("torus", 12, 12, 1, 2)]]
    assert transfers(chdb_path) == by_key(FIRST_ROWS + SECOND_ROWS)
    load_raw(chdb_path, [  # load 3 forks torus 10 (its transfer replaced) and adds torus 13
        Block("torus", 10, [Event("Balances", "Transfer", {"from": C, "to": D, "amount": 7 * 10**18}, 1)],
              block_hash="0xfork10"),
        Block("torus", 13, [Event("Balances", "Transfer", [D, A, 10**18], 0)]),
    ], load_id=3)
    load_raw(chdb_path, [Block("bittensor", 7, [Event("Balances", "Transfer", [HOT, COLD, 5 * 10**9], 1)])],
             load_id=4)
    build(chdb_path, *one_load_per_chunk, select=only)  # load 3 in its statement, load 4 in the post_hook
    assert chunks_ran(chdb_path) == [[("torus", 10, 13, 2, 3)], [("bittensor", 7, 7, 3, 4)]]
    chunked = transfers(chdb_path)
    assert chunked == by_key([row for row in FIRST_ROWS if row[:2] != ("torus", 10)] + SECOND_ROWS + [
        ("torus", 10, 0, "10-1", C, D, "TOR", "7", "0", "transfer", False, False, 3),
        ("torus", 13, 0, "13-0", D, A, "TOR", "1", "0", "transfer", False, False, 3),
        ("bittensor", 7, 0, "7-1", HOT, COLD, "TAO", "5", "0", "transfer", False, False, 4),
    ])
    build(chdb_path, "--full-refresh", select=only)  # the default chunk size: four small loads at once
    assert chunks_ran(chdb_path) == [
        [("bittensor", 5, 7, 0, 4), ("polkadot", 1248327, 1248328, 0, 4), ("torus", 10, 13, 0, 4)]]
    assert transfers(chdb_path) == chunked
    # A full refresh in chunks: the post_hook inserts into the rebuilt table, after the swap. Each
    # block is read in the chunk of its current version (torus 10's is load 3's).
    build(chdb_path, "--full-refresh", *one_load_per_chunk, select=only)
    assert chunks_ran(chdb_path) == [
        [("bittensor", 5, 5, 0, 1), ("polkadot", 1248327, 1248327, 0, 1), ("torus", 11, 11, 0, 1)],
        [("bittensor", 6, 6, 1, 2), ("polkadot", 1248328, 1248328, 1, 2), ("torus", 12, 12, 1, 2)],
        [("torus", 10, 13, 2, 3)], [("bittensor", 7, 7, 3, 4)]]
    assert transfers(chdb_path) == chunked


HOSTILE_ADDRESSES = ["x'); DROP TABLE balance_transfers; --", "bad\u0000nul", "two\nlines", "\u202e" + "\u05d0" * 5000,
                     "5CqxA", "0x1234"]


def test_an_address_that_is_no_account_is_rejected_and_the_build_completes(chdb_path: Path) -> None:
    """Stored verbatim (nothing is injected), but never a transfer: each goes to the rejected
    model as invalid_address, a valid transfer of the same block is kept, and every mart builds."""
    events = [Event("Balances", "Transfer", {"from": bad, "to": B, "amount": 10**18}, index)
              for index, bad in enumerate(HOSTILE_ADDRESSES)]
    events += [Event("Balances", "Transfer", [C, bad, 10**18], 10 + index) for index, bad in enumerate(HOSTILE_ADDRESSES)]
    events.append(Event("Balances", "Transfer", {"from": A, "to": "0x" + "ab" * 32, "amount": 3 * 10**18}, 99))
    load_raw(chdb_path, [Block("torus", 20, events)], load_id=1)
    run_dbt(["build", "--select", "balance_transfers+"], chdb_path)
    assert transfers(chdb_path) == [
        ("torus", 20, 12, "20-99", A, "0x" + "ab" * 32, "TOR", "3", "0", "transfer", False, False, 1)]
    assert query(chdb_path, """select reject_reason, count(), countIf(from_address in {bad:Array(String)}),
        countIf(to_address in {bad:Array(String)}) from substrate_flows.balance_transfers_rejected group by all""",
        parameters={"bad": HOSTILE_ADDRESSES}) == [("invalid_address", 12, 6, 6)]
    assert query(chdb_path, "select count() from substrate_flows.address_analytics where address in {bad:Array(String)}",
                 parameters={"bad": HOSTILE_ADDRESSES}) == [(0,)]
