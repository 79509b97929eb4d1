"""Analytics marts end to end: canonical NDJSON -> substrate-loader load -> dbt -> exact figures.

One small hand-made history, loaded in two steps the way a live chain arrives: step 2 adds
blocks, replaces a block (its transfers change: addresses E and F vanish) and empties another
(the only transfer of a day, week and 4-hour bucket, and of address G, goes away). Every figure
asserted below is worked out by hand from the transfers listed below STEP_3. Fixtures and
assertions name the addresses (A, B, ...); the blocks hold valid accounts (conftest.account).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import BIN, account, named, query, run_dbt

pytestmark = pytest.mark.slow

DECIMALS = {"torus": 18, "bittensor": 9}
ANALYTICS = "path:models/marts/analytics"

# Every analytics relation, with its key: compared row for row between builds.
MARTS = {
    "balance_transfers_statistics": "network, asset",
    "balance_transfers_daily_volume": "network, asset, period_start",
    "balance_transfers_volume_4h": "network, asset, period_start",
    "balance_transfers_volume_trends": "network, asset, period_start",
    "network_activity_daily": "network, asset, period_start",
    "network_activity_weekly": "network, asset, period_start",
    "network_activity_monthly": "network, asset, period_start",
    "address_analytics": "network, asset, address",
    "address_activity_daily": "network, asset, address, period_start",
    "address_activity_weekly": "network, asset, address, period_start",
    "address_activity_monthly": "network, asset, address, period_start",
    "address_rolling_activity": "network, asset, address",
    "int_analytics__address_days": "network, asset, address, activity_date",
}


@dataclass
class Transfer:
    sender: str  # a name: the block holds its test account (conftest.account)
    receiver: str
    tokens: str
    fee_tokens: str | None = None


@dataclass
class Block:
    network: str
    height: int
    at: str  # UTC, "YYYY-MM-DD HH:MM:SS[.fff]"
    transfers: list[Transfer] = field(default_factory=list)
    treasury_awards: list[tuple[str, str]] = field(default_factory=list)  # (account name, tokens)
    version: str = "a"  # a new version (different hash) replaces the block

    def canonical(self) -> dict[str, Any]:
        """The block as one line of the loader's canonical NDJSON."""
        planck = 10 ** DECIMALS[self.network]
        when = datetime.fromisoformat(self.at).replace(tzinfo=timezone.utc)
        extrinsics, events = [], []
        for number, transfer in enumerate(self.transfers, start=1):
            sender, receiver = account(transfer.sender), account(transfer.receiver)
            extrinsics.append({"index": number, "hash": f"0x{self.height:x}{number:02x}", "signer": sender,
                               "call_module": "Balances", "call_function": "transfer_keep_alive",
                               "success": True, "pays_fee": transfer.fee_tokens is not None})
            events.append({"extrinsic_index": number, "phase": "apply_extrinsic", "module_id": "Balances",
                           "event_id": "Transfer", "attributes": {
                               "from": sender, "to": receiver,
                               "amount": int(Decimal(transfer.tokens) * planck)}})
            if transfer.fee_tokens is not None:
                events.append({"extrinsic_index": number, "phase": "apply_extrinsic",
                               "module_id": "TransactionPayment", "event_id": "TransactionFeePaid", "attributes": {
                                   "who": sender, "actual_fee": int(Decimal(transfer.fee_tokens) * planck),
                                   "tip": 0}})
        for name, tokens in self.treasury_awards:
            events.append({"extrinsic_index": None, "phase": "finalization", "module_id": "Treasury",
                           "event_id": "Awarded", "attributes": {
                               "proposal_index": 1, "award": int(Decimal(tokens) * planck),
                               "account": account(name)}})
        return {"block_height": self.height, "block_hash": f"0x{self.version}{self.height:063x}",
                "block_timestamp": int(when.timestamp() * 1000), "extrinsics": extrinsics,
                "events": [{"index": index, **event} for index, event in enumerate(events)]}


def load(chdb_path: Path, blocks: list[Block], name: str) -> None:
    """Writes the blocks as NDJSON (one file per network) and loads them with substrate-loader."""
    for network in sorted({block.network for block in blocks}):
        path = chdb_path.parent / f"{name}_{network}.ndjson"
        path.write_text("".join(json.dumps(b.canonical()) + "\n" for b in blocks if b.network == network))
        done = subprocess.run([str(BIN / "substrate-loader"), "load", "--network", network,
                               "--chdb-path", str(chdb_path), str(path)], capture_output=True, text=True)
        assert done.returncode == 0, f"substrate-loader load {path} failed:\n{done.stdout}\n{done.stderr}"


# Step 1: h101 and h104 in versions that step 2 replaces.
STEP_1 = [
    Block("torus", 100, "2024-01-01 01:00:00", [Transfer("A", "B", "10", "0.1"), Transfer("A", "C", "0.5")]),
    Block("torus", 101, "2024-01-01 07:30:00", [Transfer("E", "F", "7")]),
    Block("torus", 102, "2024-01-07 23:59:59.999", [Transfer("C", "B", "100")]),
    Block("torus", 104, "2024-01-20 12:00:00", [Transfer("G", "A", "3")]),
]
# Step 2: h101 replaced (E and F gone), h104 replaced by an empty block, h103/h105/h200 new.
STEP_2 = [
    Block("torus", 101, "2024-01-01 07:30:00", [Transfer("B", "A", "20"), Transfer("A", "A", "1")],
          treasury_awards=[("C", "50")], version="b"),
    Block("torus", 103, "2024-01-08 00:00:00", [Transfer("B", "C", "5", "0.25")]),
    Block("torus", 104, "2024-01-20 12:00:00", version="b"),
    Block("torus", 105, "2024-02-01 13:00:00", [Transfer("D", "A", "2000000")]),
    Block("bittensor", 200, "2024-03-01 10:00:00", [Transfer(f"S{n:02d}", "H", "1") for n in range(1, 21)]),
]
# Step 3 (after the figures are checked): one more block, nothing replaced.
STEP_3 = [Block("torus", 106, "2024-02-01 14:00:00", [Transfer("D", "B", "3")])]
# The TOR transfers after step 2 (worked-out figures below come from these):
#   h100 01:00 Jan 1  A->B 10 (fee 0.1), A->C 0.5      h101 07:30 Jan 1  B->A 20, A->A 1, treasury->C 50
#   h102 23:59:59.999 Sun Jan 7  C->B 100              h103 00:00 Mon Jan 8  B->C 5 (fee 0.25)
#   h105 13:00 Thu Feb 1  D->A 2000000                  (TAO: S01..S20 -> H 1 each, Mar 1 10:00)


def build(chdb_path: Path, *extra: str) -> None:
    # cautious: tests of other marts that also read balance_transfers are not ours to run here
    run_dbt(["build", "--select", f"+{ANALYTICS}", "--indirect-selection", "cautious", *extra], chdb_path)


def rows(chdb_path: Path, sql: str) -> list[tuple[Any, ...]]:
    return query(chdb_path, sql)


def by_name(found: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows with each test account as its name, sorted (SQL sorts the accounts, not the names)."""
    return sorted(named(found))


def snapshot(chdb_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows(chdb_path, f"select * from substrate_flows.{name} order by {key}") for name, key in MARTS.items()}


def d(text: str) -> Decimal:
    return Decimal(text)


def at(text: str) -> datetime:
    """A UTC time as the client returns DateTime64(3, 'UTC') values: naive, in UTC."""
    return datetime.fromisoformat(text)


def test_analytics_exact_incremental_replay_and_full_refresh(chdb_path: Path) -> None:
    load(chdb_path, STEP_1, "step1")
    build(chdb_path)
    assert by_name(rows(chdb_path, "select address, transfer_count from substrate_flows.address_analytics"
                                   " where network = 'torus'")) == [
        ("A", 3), ("B", 2), ("C", 2), ("E", 1), ("F", 1), ("G", 1)]

    load(chdb_path, STEP_2, "step2")
    # incremental; its touched periods read as a CTE (analytics_touched_rows' path for many
    # periods), the later runs' as literal rows
    build(chdb_path, "--vars", "{analytics_touched_rows_inline_max: 0}")
    assert not touched_periods_inlined(chdb_path)
    assert_exact_figures(chdb_path)
    incremental = snapshot(chdb_path)

    # Replay: the same blocks again load nothing new, and a second build changes nothing.
    load(chdb_path, STEP_1[:1] + STEP_2, "replay")
    build(chdb_path)
    assert snapshot(chdb_path) == incremental

    # New blocks only (the usual run: no block replaced), then a full rebuild from balance_transfers
    # gives exactly what the incremental runs kept.
    load(chdb_path, STEP_3, "step3")
    build(chdb_path)
    assert touched_periods_inlined(chdb_path)
    incremental = snapshot(chdb_path)
    assert rows(chdb_path, "select transfer_count, total_volume from substrate_flows.network_activity_monthly"
                           " where network = 'torus' and period_start = '2024-02-01'") == [(2, d("2000003"))]
    run_dbt(["run", "--full-refresh", "--select", ANALYTICS, "path:models/intermediate/analytics"], chdb_path)
    full = snapshot(chdb_path)
    for name in MARTS:
        assert full[name] == incremental[name], f"{name}: incremental run differs from --full-refresh"

    # A table whose column was renamed (as a newer model would name it) stops its next run unchanged.
    query(chdb_path, "alter table substrate_flows.int_analytics__network_periods rename column total_fees to fees")
    failed = run_dbt(["run", "--select", "int_analytics__network_periods"], chdb_path, check=False)
    assert failed.returncode == 1
    assert ("(fees Decimal(38, 18) is only in the table; total_fees Decimal(38, 18) is only in the model). "
            "Nothing was changed") in failed.stdout


def touched_periods_inlined(chdb_path: Path) -> bool:
    """Whether the last run of int_analytics__network_periods read its touched periods as literal
    VALUES rows (analytics_touched_rows) rather than as the query that finds them."""
    compiled = (chdb_path.parent / "target" / "run" / "substrate_flows" / "models" / "intermediate" / "analytics"
                / "int_analytics__network_periods.sql").read_text()
    return "from values('grain String, network String, period_start DateTime(\\'UTC\\')'" in compiled


def assert_exact_figures(chdb_path: Path) -> None:
    statistics = rows(chdb_path, """
        select network, asset, transfer_count, total_volume, total_fees, unique_senders, unique_receivers,
               unique_addresses, min_amount, max_amount, avg_amount, median_amount, first_block, last_block,
               first_activity_at, last_activity_at
        from substrate_flows.balance_transfers_statistics order by network""")
    assert statistics == [
        ("bittensor", "TAO", 20, d("20"), d("0"), 20, 1, 21, d("1"), d("1"), d("1"), d("1"), 200, 200,
         at("2024-03-01 10:00:00"), at("2024-03-01 10:00:00")),
        # senders A, B, treasury, C, D; receivers A, B, C; median of 0.5 1 5 10 20 50 100 2000000
        ("torus", "TOR", 8, d("2000186.5"), d("0.35"), 5, 3, 5, d("0.5"), d("2000000"), d("250023.3125"), d("15"),
         100, 105, at("2024-01-01 01:00:00"), at("2024-02-01 13:00:00")),
    ]
    tor_amounts = [d(x) for x in ("10", "0.5", "20", "1", "50", "100", "5", "2000000")]
    mean = sum(tor_amounts) / len(tor_amounts)
    stddev = float((sum((x - mean) ** 2 for x in tor_amounts) / len(tor_amounts)).sqrt())
    (tor_stddev,), = rows(chdb_path, "select stddev_amount from substrate_flows.balance_transfers_statistics"
                                     " where network = 'torus'")
    assert tor_stddev == pytest.approx(stddev, rel=1e-12)

    # network_activity_daily: Jan 20 is gone (its only transfer was replaced away).
    assert rows(chdb_path, """
        select period_start, transfer_count, total_volume, total_fees, unique_senders, unique_receivers,
               unique_addresses, address_pairs, network_density, amount_dust_count, amount_small_count,
               amount_small_volume, amount_medium_count, amount_huge_count, avg_amount, median_amount,
               min_amount, max_amount, avg_fee, median_fee, max_fee, first_block, last_block
        from substrate_flows.network_activity_daily where network = 'torus' order by period_start""") == [
        # A->B 10, A->C 0.5, B->A 20, A->A 1, treasury->C 50: addresses A B C treasury; pairs AB AC BA AA tC,
        # 4 of them between two addresses out of 4 * 3 possible
        (date(2024, 1, 1), 5, d("81.5"), d("0.1"), 3, 3, 4, 5, 1 / 3, 1, 4, d("81"), 0, 0, d("16.3"), d("10"),
         d("0.5"), d("50"), d("0.02"), d("0"), d("0.1"), 100, 101),
        (date(2024, 1, 7), 1, d("100"), d("0"), 1, 1, 2, 1, 0.5, 0, 0, d("0"), 1, 0, d("100"), d("100"),
         d("100"), d("100"), d("0"), d("0"), d("0"), 102, 102),
        (date(2024, 1, 8), 1, d("5"), d("0.25"), 1, 1, 2, 1, 0.5, 0, 1, d("5"), 0, 0, d("5"), d("5"),
         d("5"), d("5"), d("0.25"), d("0.25"), d("0.25"), 103, 103),
        (date(2024, 2, 1), 1, d("2000000"), d("0"), 1, 1, 2, 1, 0.5, 0, 0, d("0"), 0, 1, d("2000000"),
         d("2000000"), d("2000000"), d("2000000"), d("0"), d("0"), d("0"), 105, 105),
    ]
    # Weeks start on Monday: Sunday Jan 7 23:59:59.999 is in the week of Jan 1, Monday Jan 8 00:00 is not.
    assert rows(chdb_path, """
        select period_start, transfer_count, total_volume, unique_senders, unique_receivers, unique_addresses,
               address_pairs, network_density
        from substrate_flows.network_activity_weekly where network = 'torus' order by period_start""") == [
        (date(2024, 1, 1), 6, d("181.5"), 4, 3, 4, 6, 5 / 12),
        (date(2024, 1, 8), 1, d("5"), 1, 1, 2, 1, 0.5),
        (date(2024, 1, 29), 1, d("2000000"), 1, 1, 2, 1, 0.5),
    ]
    assert rows(chdb_path, """
        select period_start, transfer_count, total_volume, total_fees, unique_senders, unique_addresses
        from substrate_flows.network_activity_monthly order by network, period_start""") == [
        (date(2024, 3, 1), 20, d("20"), d("0"), 20, 21),
        (date(2024, 1, 1), 7, d("186.5"), d("0.35"), 4, 4),
        (date(2024, 2, 1), 1, d("2000000"), d("0"), 1, 2),
    ]
    assert rows(chdb_path, """
        select period_start, transfer_count, total_volume
        from substrate_flows.balance_transfers_volume_4h where network = 'torus' order by period_start""") == [
        (at("2024-01-01 00:00:00"), 2, d("10.5")),
        (at("2024-01-01 04:00:00"), 3, d("71")),
        (at("2024-01-07 20:00:00"), 1, d("100")),
        (at("2024-01-08 00:00:00"), 1, d("5")),
        (at("2024-02-01 12:00:00"), 1, d("2000000")),
    ]
    assert rows(chdb_path, """
        select period_start, transfer_count, total_volume, unique_addresses
        from substrate_flows.balance_transfers_daily_volume where network = 'torus' order by period_start""") == [
        (date(2024, 1, 1), 5, d("81.5"), 4), (date(2024, 1, 7), 1, d("100"), 2),
        (date(2024, 1, 8), 1, d("5"), 2), (date(2024, 2, 1), 1, d("2000000"), 2)]

    # Trends: every day Jan 1 .. Feb 1 (32 rows); windows end on their day.
    trends = {r[0]: r[1:] for r in rows(chdb_path, """
        select period_start, total_volume, days_in_7d_window, avg_volume_7d, avg_volume_30d
        from substrate_flows.balance_transfers_volume_trends where network = 'torus'""")}
    assert len(trends) == 32
    assert trends[date(2024, 1, 1)] == (d("81.5"), 1, d("81.5"), d("81.5"))
    assert trends[date(2024, 1, 7)] == (d("100"), 7, d("25.928571428571428571"), d("25.928571428571428571"))
    assert trends[date(2024, 1, 8)] == (d("5"), 7, d("15"), d("23.3125"))  # 30d: (81.5 + 100 + 5) / 8
    assert trends[date(2024, 1, 20)] == (d("0"), 7, d("0"), d("9.325"))  # 30d: 186.5 / 20 days
    assert trends[date(2024, 2, 1)] == (d("2000000"), 7, d("285714.285714285714285714"),
                                        d("66670.166666666666666666"))  # (100 + 5 + 2000000) / 30

    # Address analytics: every transfer of an account, treasury -> C 50 included (and counted apart);
    # the treasury itself is no address; E, F and G vanished with their blocks.
    address = by_name(rows(chdb_path, """
        select address, transfer_count, sent_count, received_count, self_transfer_count, sent_volume,
               received_volume, net_flow, fees_paid, unique_senders, unique_receivers, unique_counterparties,
               first_activity_at, last_activity_at, first_sent_at, last_received_at, active_days,
               night_transfer_count, morning_transfer_count, afternoon_transfer_count, evening_transfer_count,
               sent_dust_count, sent_small_count, sent_medium_count, sent_huge_count, avg_sent_amount,
               min_sent_amount, max_sent_amount, avg_received_amount, min_received_amount, max_received_amount,
               address_type, first_block, last_block
        from substrate_flows.address_analytics where network = 'torus'"""))
    assert address == [
        ("A", 5, 3, 3, 1, d("11.5"), d("2000021"), d("2000009.5"), d("0.1"), 2, 2, 3,
         at("2024-01-01 01:00:00"), at("2024-02-01 13:00:00"), at("2024-01-01 01:00:00"), at("2024-02-01 13:00:00"),
         2, 2, 2, 1, 0, 1, 2, 0, 0, d("3.833333333333333333"), d("0.5"), d("10"), d("666673.666666666666666666"),
         d("1"), d("2000000"), "whale", 100, 105),
        ("B", 4, 2, 2, 0, d("25"), d("110"), d("85"), d("0.25"), 2, 2, 2,
         at("2024-01-01 01:00:00"), at("2024-01-08 00:00:00"), at("2024-01-01 07:30:00"), at("2024-01-07 23:59:59.999"),
         3, 2, 1, 0, 1, 0, 2, 0, 0, d("12.5"), d("5"), d("20"), d("55"), d("10"), d("100"), "retail", 100, 103),
        ("C", 4, 1, 3, 0, d("100"), d("55.5"), d("-44.5"), d("0"), 3, 1, 3,
         at("2024-01-01 01:00:00"), at("2024-01-08 00:00:00"), at("2024-01-07 23:59:59.999"), at("2024-01-08 00:00:00"),
         3, 2, 1, 0, 1, 0, 0, 1, 0, d("100"), d("100"), d("100"), d("18.5"), d("0.5"), d("50"), "retail", 100, 103),
        ("D", 1, 1, 0, 0, d("2000000"), d("0"), d("-2000000"), d("0"), 0, 1, 1,
         at("2024-02-01 13:00:00"), at("2024-02-01 13:00:00"), at("2024-02-01 13:00:00"), None,
         1, 0, 0, 1, 0, 0, 0, 0, 1, d("2000000"), d("2000000"), d("2000000"), None, None, None, "whale", 105, 105),
    ]
    variances = by_name(rows(chdb_path, "select address, sent_amount_variance, received_amount_variance"
                                        " from substrate_flows.address_analytics where network = 'torus'"))
    # A sent 10, 0.5, 1; B sent 20, 5 and received 10, 100; C received 0.5, 5, 50; D received nothing
    assert variances[0][1] == pytest.approx(float((d("101.25") - d("11.5") ** 2 / 3) / 3), rel=1e-12)
    assert variances[1][1:] == (56.25, 2025.0)
    assert variances[2][1:] == (0.0, 499.5)
    assert variances[3][1:] == (0.0, None)
    # The part with a system counterparty: C's treasury award, nobody sent to the system.
    assert named(rows(chdb_path, """
        select address, received_from_system_count, received_from_system_volume, sent_to_system_count,
               sent_to_system_volume
        from substrate_flows.address_analytics where network = 'torus' and received_from_system_count > 0""")) == [
        ("C", 1, d("50"), 0, d("0"))]
    assert rows(chdb_path, "select address_type, count() from substrate_flows.address_analytics"
                           " where network = 'bittensor' group by address_type order by address_type") == [
        ("hub", 1), ("retail", 20)]

    assert by_name(rows(chdb_path, f"""
        select address, period_start, transfer_count, sent_volume, received_volume, unique_counterparties, active_days
        from substrate_flows.address_activity_weekly
        where network = 'torus' and address in ('{account("A")}', '{account("B")}')""")) == [
        ("A", date(2024, 1, 1), 4, d("11.5"), d("21"), 2, 1),
        ("A", date(2024, 1, 29), 1, d("0"), d("2000000"), 1, 1),
        ("B", date(2024, 1, 1), 3, d("20"), d("110"), 2, 2),
        ("B", date(2024, 1, 8), 1, d("5"), d("0"), 1, 1),
    ]
    assert by_name(rows(chdb_path, "select address, period_start, transfer_count"
                                   " from substrate_flows.address_activity_monthly where network = 'torus'")) == [
        ("A", date(2024, 1, 1), 4), ("A", date(2024, 2, 1), 1), ("B", date(2024, 1, 1), 4),
        ("C", date(2024, 1, 1), 4), ("D", date(2024, 2, 1), 1)]
    # Rolling windows end at Feb 1 13:00 (the last TOR transfer); 30 days reach back past Jan 7 23:59:59.999.
    assert by_name(rows(chdb_path, """
        select address, transfer_count_24h, received_volume_7d, sent_volume_30d, received_volume_30d,
               transfer_count_90d
        from substrate_flows.address_rolling_activity where network = 'torus'""")) == [
        ("A", 1, d("2000000"), d("0"), d("2000000"), 5),
        ("B", 0, d("0"), d("5"), d("100"), 4),
        ("C", 0, d("0"), d("100"), d("5"), 4),
        ("D", 1, d("0"), d("2000000"), d("0"), 1),
    ]
