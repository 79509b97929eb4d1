"""The benchmark's own logic (no timing): the baseline's transfer rules and the goal verdicts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.baseline import block_transfers
from bench.load_floor import land_floor
from bench.run import goals, nodes_span
from loader.api import load_files
from loader.connection import connect
from loader.generate import generate
from loader.networks import get_network

ALICE, BOB, CAROL = "5Alice", "5Bob", "5Carol"


def _event(index: int, extrinsic: int | None, module: str, name: str, attributes: Any) -> dict[str, Any]:
    return {"index": index, "extrinsic_index": extrinsic, "phase": "apply_extrinsic", "module_id": module,
            "event_id": name, "attributes": attributes}


def test_baseline_keeps_transfers_outside_failed_extrinsics_with_the_fee_once() -> None:
    block = {"block_height": 7, "block_timestamp": 1_000, "events": [
        # extrinsic 1: a batch of two transfers by Alice (named and positional), one fee
        _event(0, 1, "Balances", "Transfer", {"from": ALICE, "to": BOB, "amount": 3 * 10**18}),
        _event(1, 1, "Balances", "Transfer", [ALICE, CAROL, 5]),
        _event(2, 1, "TransactionPayment", "TransactionFeePaid", {"who": ALICE, "actual_fee": 250, "tip": 50}),
        # extrinsic 2 failed: its transfer is not kept
        _event(3, 2, "Balances", "Transfer", {"from": BOB, "to": ALICE, "amount": 9}),
        _event(4, 2, "TransactionPayment", "TransactionFeePaid", [BOB, 100, 0]),
        _event(5, 2, "System", "ExtrinsicFailed", {}),
        # extrinsic 3: the fee payer is not the sender, so no fee on the transfer
        _event(6, 3, "Balances", "Transfer", {"from": CAROL, "to": BOB, "amount": 2**70}),
        _event(7, 3, "TransactionPayment", "TransactionFeePaid", {"who": BOB, "actual_fee": 10, "tip": 0}),
    ]}
    rows = list(block_transfers(block, get_network("torus"), "TOR", 1))
    assert rows == [
        ["7-1", "7-0", 7, 1_000, ALICE, BOB, "TOR", Decimal(3), Decimal("2.50E-16"), 1],
        ["7-1", "7-1", 7, 1_000, ALICE, CAROL, "TOR", Decimal("5E-18"), Decimal(0), 1],
        ["7-3", "7-6", 7, 1_000, CAROL, BOB, "TOR", Decimal("1180.591620717411303424"), Decimal(0), 1],
    ]


def _size(load_rate: int, bt_rate: int, transfers: int) -> dict[str, Any]:
    stage = {"events_per_s_median": 2_000_000, "x_baseline": 6.0, "events_per_s_own_median": 2_000_000}
    return {
        "figures": {"load": {**stage, "events_per_s_median": load_rate},
                    "balance_transfers": {**stage, "events_per_s_median": bt_rate},
                    "end_to_end_all_marts": stage,
                    "incremental": {"without_graph_analytics_fraction": 0.05, "all_models_fraction": 0.25,
                                    "tables_run_fraction": 0.5, "models_fraction": 0.08,
                                    "in_process_models_fraction": 0.09, "in_process_seconds": 1.0,
                                    "in_process_span_fraction": 0.11, "in_process_span_seconds": 1.1,
                                    "full_build_span_seconds": 10.0}},
        "steps": {"graph_refresh": {"seconds": {"median": 30.0}}, "load": {"peak_rss_mib": 1024.0}},
        "counts": {"transfers": transfers},
        "modularity": None,
    }


def test_goals_say_pass_miss_or_not_checked_plainly() -> None:
    verdicts = [g["status"] for g in goals(_size(1_000_000, 999_999, 999_999), None)]
    assert verdicts == ["PASS", "PASS", "MISS", "PASS", "PASS", "MISS", "MISS", "PASS", "PASS", "MISS", "MISS",
                        "NOT CHECKED (fewer than 1M transfers)"]
    graph = {"transfers": 1_000_000, "addresses": 100_000, "wall_seconds": 61.0}
    verdicts = [g["status"] for g in goals(_size(1_000_000, 1_000_000, 1_000_000), graph)]
    assert verdicts[-2:] == ["PASS", "MISS"]


def _timing(compile_start: str, execute_end: str) -> list[dict[str, str]]:
    day = "2026-11-22T07:09:"
    return [{"name": "compile", "started_at": f"{day}{compile_start}Z", "completed_at": f"{day}{compile_start}Z"},
            {"name": "execute", "started_at": f"{day}{compile_start}Z", "completed_at": f"{day}{execute_end}Z"}]


def test_nodes_span_counts_models_run_side_by_side_once(tmp_path: Path) -> None:
    # a: 07.5 -> 09.0; b beside it: 08.0 -> 10.25; c after both: 10.5 -> 11.0 (sum of times 4.25 s)
    results = [{"timing": _timing("07.500000", "09.000000")}, {"timing": _timing("08.000000", "10.250000")},
               {"timing": _timing("10.500000", "11.000000")}]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    assert nodes_span(tmp_path) == 3.5


def _raw_rows(chdb: Path) -> list[tuple[Any, ...]]:
    """What a reader of the raw tables sees, load bookkeeping aside: every event, extrinsic and block."""
    client = connect(chdb_path=str(chdb))
    try:
        return [tuple(row) for row in client.query(
            "select * from (select 'event', block_height, block_hash, toString(block_time), toString(extrinsic_index), event_index, "
            "phase, module_id, event_id, attributes from substrate_raw.events "
            "union all select 'extrinsic', block_height, block_hash, toString(block_time), extrinsic_hash, "
            "extrinsic_index, signer, call_module, call_function, concat(toString(success), toString(pays_fee)) "
            "from substrate_raw.extrinsics "
            "union all select 'block', block_height, block_hash, toString(block_time), '', extrinsic_count, "
            "toString(event_count), '', '', '' from substrate_raw.blocks) order by all").result_rows]
    finally:
        client.close()


def test_load_floor_lands_the_same_rows_as_the_loader(tmp_path: Path) -> None:
    # The floor is only a fair yardstick if it writes what the loader writes: same rows, same text.
    stream = tmp_path / "stream.ndjson"
    made = generate("torus", 300, 7, stream)
    floor = land_floor(str(tmp_path / "floor"), "torus", stream, batch_bytes=64 << 10)
    client = connect(chdb_path=str(tmp_path / "loader"))
    summary = load_files(client, "torus", [stream], batch_bytes=64 << 10)
    client.close()
    assert (floor["events"], floor["blocks"]) == (made.events, 300)
    assert (summary.events, summary.extrinsics, summary.blocks) == (made.events, made.extrinsics, 300)
    floor_rows, loader_rows = _raw_rows(tmp_path / "floor"), _raw_rows(tmp_path / "loader")
    assert len(floor_rows) == made.events + made.extrinsics + 300
    assert floor_rows == loader_rows


def test_load_floor_writing_nothing_parses_every_event_and_stores_none(tmp_path: Path) -> None:
    stream = tmp_path / "stream.ndjson"
    made = generate("torus", 300, 7, stream)
    parsed = land_floor(str(tmp_path / "floor"), "torus", stream, batch_bytes=64 << 10, write=False)
    assert (parsed["events"], parsed["blocks"]) == (made.events, 300)
    assert _raw_rows(tmp_path / "floor") == []
