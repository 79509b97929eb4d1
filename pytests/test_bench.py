"""The benchmark's own logic (no timing): the baseline's rules, the floor's rows, the stream, the verdicts."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.baseline import block_transfers
from bench.load_floor import land_floor
from bench.goals import verdicts
from bench.report import DOCS_END, DOCS_START, docs_copy, summary_markdown, update_docs
from bench.runner import REPO, Repeats
from bench.steps import model_seconds, models_span
from bench.streams import prepare_stream
from bench.variants import report as variants_report
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


def _steps() -> dict[str, Any]:
    """Three repeats' figures, the medians on the edge of each goal for a stream of 5,000,000 events."""
    repeats = Repeats()
    for load, rss, span in ((5.0, 1000.0, 1.0), (4.0, 1024.0, 0.5), (9.0, 900.0, 3.0)):
        nothing_new = span * 0.8
        repeats.add({"load": {"seconds": load, "peak_rss_mib": rss},
                     "engine_floor": {"seconds": 4.0}, "engine_parse_only": {"seconds": 2.5},
                     "balance_transfers": {"seconds": 10.0, "models_seconds": 5.01},
                     "end_to_end": {"seconds": load + 10.0}, "baseline": {"seconds": 75.0},
                     "increment": {"seconds": 2.0, "span_seconds": span, "nothing_new_span_seconds": nothing_new},
                     "full_build": {"seconds": 12.0, "span_seconds": 10.0}})
    return repeats.summary()


def test_goals_say_pass_miss_or_not_checked_plainly() -> None:
    graph = {"transfers": 1_000_000, "wall_seconds": 61.0, "modularity": {"ours": 0.81, "louvain": 0.9, "ratio": 0.9}}
    lines = [(v.goal, v.measured, v.status) for v in verdicts(_steps(), 5_000_000, 5_000_000, graph)]
    assert lines == [
        ("load: NDJSON -> raw tables",
         "1,000,000 events/s (engine floor 1,250,000, nothing written 2,000,000)", "PASS"),
        ("load: peak RSS of the loader", "1,024 MiB", "MISS"),  # the worst repeat, and 1 GiB is not below 1 GiB
        ("balance_transfers: raw events through its models", "998,004 events/s (5.01 s)", "MISS"),
        ("end-to-end: file -> balance_transfers against the baseline", "5.00x (15.0 s against 75.0 s)", "PASS"),
        ("incremental: +1% blocks as `follow` runs them, against the full build", "10.0% (1.00 s against 10.00 s;"
         " a run with nothing new 0.80 s)", "PASS"),
        ("money-flow graph: full refresh", "61.0 s (1,000,000 transfers)", "MISS"),
        ("money-flow graph: modularity against networkx's Louvain", "0.900x (ours 0.8100, Louvain 0.9000)", "PASS"),
    ]


def test_goals_stated_at_a_size_are_not_checked_below_it() -> None:
    small = {"transfers": 999_999, "wall_seconds": 20.0, "modularity": None}
    statuses = [v.status for v in verdicts(_steps(), 200_000, 200_000, small)]
    assert statuses == ["MISS", "MISS", "MISS", "NOT CHECKED", "PASS", "NOT CHECKED", "NOT CHECKED"]
    assert [v.measured for v in verdicts(_steps(), 200_000, 200_000, None)][-2:] == ["not run", "not run"]


def _results(goals: list[dict[str, str]]) -> dict[str, Any]:
    return {"generated_at": "2026-12-06T12:00:00+00:00", "git_commit": "abc1234", "command": "python -m bench.run",
            "machine": {"cores": 2, "cpu_model": "CPU", "memory_gib": 23.5, "python": "3.11.7",
                        "versions": {"chdb": "4.4.0", "dbt-core": "1.11.16", "dbt-clickhouse": "1.10.3"}},
            "stream": {"events": 5_010_438, "blocks": 228_311, "bytes": 1_437_000_000},
            "settings": {"network": "torus", "repeat": 3}, "load_average_before": 0.5, "load_averages": [0.5, 1.9, 2.0],
            "load_average_after": 2.1, "goals": goals,
            "agreement": {"ours": {"rows": 3, "amount": "6.5", "fee": "0.25"}, "equal": True}}


def test_summary_has_one_line_per_goal_and_the_docs_copy_follows_it(tmp_path: Path) -> None:
    goals = [v.as_json() for v in verdicts(_steps(), 5_000_000, 5_000_000, None)]
    summary = summary_markdown(_results(goals))
    rows = [line for line in summary.splitlines() if line.startswith("| ") and line.endswith("** |")]
    assert rows == [f"| {g['goal']} | {g['target']} | {g['measured']} | **{g['status']}** |" for g in goals]
    assert "0.5 before, 0.5/1.9/2.0 at each repeat's start, 2.1 after" in summary
    assert "are equal: 3 rows, amounts 6.5, fees 0.25" in summary
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\n{DOCS_START}\nold figures\n{DOCS_END}\n\nThe rest.\n")
    update_docs(doc, summary)
    assert docs_copy(doc) == summary
    assert doc.read_text().startswith("# Performance\n\n") and doc.read_text().endswith(f"{DOCS_END}\n\nThe rest.\n")


def test_the_docs_show_the_figures_of_the_last_benchmark() -> None:
    # docs/performance.md carries the summary the last `make bench` wrote, never one edited by hand.
    assert docs_copy(REPO / "docs" / "performance.md") == (REPO / "bench" / "results" / "summary.md").read_text()


def test_stream_is_one_generated_stream_cut_in_two_and_cached(tmp_path: Path) -> None:
    stream = prepare_stream("torus", 2_200, tmp_path)  # 100 blocks, and 1 block of increment
    whole = tmp_path / "whole.ndjson"
    made = generate("torus", 101, 42, whole)
    lines = whole.read_bytes().splitlines(keepends=True)
    assert stream.base.read_bytes() == b"".join(lines[:100])
    assert stream.increment.read_bytes() == lines[100]
    assert (stream.blocks, stream.increment_blocks, stream.events + stream.increment_events) == (100, 1, made.events)
    assert stream.last_height == json.loads(lines[99])["block_height"]
    stream.base.write_bytes(b"")  # a second call reads the cache and does not generate again
    assert prepare_stream("torus", 2_200, tmp_path) == stream and stream.base.read_bytes() == b""


def _timing(started: str, ended: str) -> list[dict[str, str]]:
    day = "2026-11-22T07:09:"
    return [{"name": "compile", "started_at": f"{day}{started}Z", "completed_at": f"{day}{started}Z"},
            {"name": "execute", "started_at": f"{day}{started}Z", "completed_at": f"{day}{ended}Z"}]


def test_models_span_counts_models_run_side_by_side_once(tmp_path: Path) -> None:
    # a: 07.5 -> 09.0; b beside it: 08.0 -> 10.25; c after both: 10.5 -> 11.0; the hook before them is no model
    results = [{"unique_id": "operation.p.p-on-run-start-0", "execution_time": 0.1, "timing": _timing("01.0", "01.1")},
               {"unique_id": "model.p.a", "execution_time": 1.5, "timing": _timing("07.500000", "09.000000")},
               {"unique_id": "model.p.b", "execution_time": 2.25, "timing": _timing("08.000000", "10.250000")},
               {"unique_id": "model.p.c", "execution_time": 0.5, "timing": _timing("10.500000", "11.000000")}]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    assert models_span(tmp_path) == 3.5
    assert model_seconds(tmp_path) == {"a": 1.5, "b": 2.25, "c": 0.5}


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


def test_every_variant_patch_applies_to_the_tree() -> None:
    """bench/variants/: each patch still applies, so the trick it measures can be measured again."""
    patches = sorted((REPO / "bench" / "variants").glob("*.patch"))
    assert [p.name for p in patches] == ["edge_key_hash.patch", "one_select_per_rule.patch", "wide_parts.patch"]
    for patch in patches:
        checked = subprocess.run(["git", "apply", "--check", str(patch)], cwd=REPO, capture_output=True, text=True)
        assert checked.returncode == 0, f"{patch.name}: {checked.stderr}"


def test_variants_report_compares_medians_with_head() -> None:
    def turn(transfers: float, increment: float, edges: float) -> dict[str, Any]:
        models = {"money_flow_edges": edges, "balance_transfers": 1.0}
        return {"balance_transfers": transfers, "increment": increment, "full_build": 10.0,
                "models": {"full_build": models, "increment": models}}
    turns = {"HEAD": [turn(5.0, 2.0, 0.3), turn(6.0, 2.2, 0.4), turn(9.0, 2.1, 0.2)],
             "plain": [turn(10.0, 2.4, 0.6), turn(11.0, 2.5, 0.7), turn(12.0, 2.3, 0.5)]}
    lines = variants_report(turns, "# header").splitlines()
    assert lines[:2] == ["# header", ""]
    assert [line for line in lines if line.startswith("## ")] == ["## plain"]  # HEAD is the reference, no table
    assert ("| dbt run +balance_transfers (models, s) | 6.00 (5.00-9.00) | 11.00 (10.00-12.00) | +5.00 s (+83.3%) |"
            in lines)
    assert ("| +1% as follow runs it (models' span, s) | 2.10 (2.00-2.20) | 2.40 (2.30-2.50) | +0.30 s (+14.3%) |"
            in lines)
    assert "| full build (models' span, s) | 10.00 (10.00-10.00) | 10.00 (10.00-10.00) | +0.00 s (+0.0%) |" in lines
    assert ("Models that moved most, +1%: money_flow_edges 0.30 -> 0.60; balance_transfers 1.00 -> 1.00."
            in lines)
    assert "Full build: money_flow_edges 0.30 -> 0.60; balance_transfers 1.00 -> 1.00." in lines
