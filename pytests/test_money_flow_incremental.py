"""Incremental money_flow_edges and the registration events the entity views read: after each
load (new blocks, blocks re-loaded with another hash, a block that loses all its transfers or its
registration) they hold exactly what the blocks say, and after the last one they equal a full
refresh, column for column.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import account, named, query, run_dbt
from money_flow_support import (
    FLOWS, Block, Event, Transfer, blocks_of, expected_edges, load_blocks)

pytestmark = pytest.mark.slow

SELECT = ["--select", "+money_flow_edges", "+money_flow_agents"]


P, Q, R, S, T, U, V, W, X, Y = (account(name) for name in "PQRSTUVWXY")  # Torus accounts


def t(height: int, sender: str, receiver: str, amount: str) -> Transfer:
    return Transfer("torus", height, sender, receiver, Decimal(amount))


# Each load: block height -> its transfers ([] for a block without transfers).
LOADS: list[dict[int, list[Transfer]]] = [
    {1: [t(1, P, Q, "1"), t(1, Q, R, "2")],
     2: [t(2, R, P, "3"), t(2, P, Q, "4")],
     3: [t(3, S, T, "5")],
     4: [t(4, T, S, "0.5"), t(4, Q, R, "1")]},
    # Blocks 2 and 4 re-loaded with another hash (P -> Q loses 4, T -> S disappears), new 5 and 6.
    {2: [t(2, R, P, "3"), t(2, Q, W, "2")],
     4: [t(4, X, Y, "1")],
     5: [t(5, P, Q, "1")],
     6: [t(6, T, U, "2"), t(6, S, T, "1")]},
    # New block 7 (P -> Q grows, R -> X is new), block 3 re-loaded without its transfer, empty block 8.
    {7: [t(7, P, Q, "2"), t(7, R, X, "1")],
     3: [],
     8: []},
    # Only new blocks: existing edges grow by their new transfers (no recomputation); R -> Q is a
    # new edge between old neighbours, P -> P a new self-edge, V -> W an edge of a new address.
    {9: [t(9, P, Q, "3"), t(9, Q, R, "1"), t(9, T, U, "1"), t(9, V, W, "1")],
     10: [t(10, U, P, "7"), t(10, R, Q, "2"), t(10, P, P, "1")]},
]


# Agents registered in a load's blocks (outside extrinsics), by (load, height); the agents after
# each load: S (block 3) goes when block 3 is re-loaded without events.
AGENTS = {(0, 3): S, (1, 6): U, (2, 7): X}
AGENTS_AFTER = [["S"], ["S", "U"], ["U", "X"], ["U", "X"]]


def load(chdb: Path, number: int) -> list[Transfer]:
    """Loads LOADS[number] (re-loaded blocks get a new hash) and returns all current transfers."""
    blocks = []
    for height, transfers in LOADS[number].items():
        block_hash = f"0x{number:02x}{height:062x}"
        blocks += blocks_of(transfers, block_hash) or [Block("torus", height, [], block_hash=block_hash)]
        if (number, height) in AGENTS:
            blocks[-1].events.append(Event("Torus0", "AgentRegistered", AGENTS[(number, height)], None))
    load_blocks(chdb, blocks, load_id=number + 1)
    current: dict[int, list[Transfer]] = {}
    for batch in LOADS[:number + 1]:
        current.update(batch)
    return [transfer for height in sorted(current) for transfer in current[height]]


def edges(chdb: Path) -> list[tuple]:
    return query(chdb, f"""select network, from_address, to_address, asset, total_volume, transfer_count,
        first_block, last_block
        from {FLOWS}.money_flow_edges order by network, from_address, to_address, asset""")


def whole_tables(chdb: Path) -> list[list[tuple]]:
    return [query(chdb, f"select * from {FLOWS}.{table} order by {key}") for table, key in (
        ("money_flow_edges", "network, from_address, to_address, asset"),
        ("int_money_flow__registration_events",
         "network, block_height, event_index"),
        ("money_flow_agents", "network, address"))]


def test_incremental_runs_equal_the_transfers_and_a_full_refresh(chdb_path: Path) -> None:
    for number in range(len(LOADS)):
        transfers = load(chdb_path, number)
        run_dbt(["run", *SELECT], chdb_path)
        assert edges(chdb_path) == expected_edges(transfers), f"after load {number + 1}"
        agents = query(chdb_path, f"select address from {FLOWS}.money_flow_agents")
        assert sorted(named(a) for a, in agents) == AGENTS_AFTER[number], f"after load {number + 1}"

    # T -> S lost its only transfer (block 4 re-loaded): its edge is gone, not left at zero.
    assert ("torus", T, S) not in {row[:3] for row in edges(chdb_path)}
    incremental = whole_tables(chdb_path)
    # Rebuilt from scratch (and checked by their dbt tests): the same rows, column for column.
    run_dbt(["build", "--select", "money_flow_edges", "int_money_flow__registration_events", "money_flow_agents",
             "--full-refresh"], chdb_path)
    assert whole_tables(chdb_path) == incremental


def test_a_table_out_of_step_with_its_model_stops_the_run_unchanged(chdb_path: Path) -> None:
    """delete_insert compares the new rows' columns with the table's before deleting anything: a
    table whose columns differ from its model's (here the edge_key column and a narrower type, as a
    database built by an older version would have) stops the run naming each difference, and its
    rows stay as they were until a --full-refresh."""
    first = load(chdb_path, 0)
    run_dbt(["run", "--select", "+money_flow_edges"], chdb_path)
    query(chdb_path, f"alter table {FLOWS}.money_flow_edges add column edge_key UInt128")
    query(chdb_path, f"alter table {FLOWS}.money_flow_edges modify column transfer_count UInt32")
    before = edges(chdb_path)
    assert before == expected_edges(first)

    second = load(chdb_path, 1)
    failed = run_dbt(["run", "--select", "+money_flow_edges"], chdb_path, check=False)
    assert failed.returncode == 1
    assert ("delete_insert: the columns of `substrate_flows`.`money_flow_edges` no longer match its model "
            "(transfer_count is UInt32 in the table, UInt64 in the model; edge_key UInt128 is only in the "
            "table). Nothing was changed; rebuild the table with "
            "`dbt run --full-refresh --select money_flow_edges`") in failed.stdout
    assert edges(chdb_path) == before
    assert query(chdb_path, "select count() from system.tables where name like '%dbt_new_data%'") == [(0,)]

    run_dbt(["run", "--select", "money_flow_edges", "--full-refresh"], chdb_path)
    assert edges(chdb_path) == expected_edges(second)
