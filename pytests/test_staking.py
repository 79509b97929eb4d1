"""Bittensor dTAO stake flows and Torus emission streams end to end: generated streams (every
stake layout in both shapes across three runtimes, movements with their legs, alpha-paid fees,
stream distributions) -> loader -> dbt, in loads with a re-organised block, against totals
computed here from the same blocks; then a full refresh must give the same tables.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import query, run_dbt
from loader.api import load_files
from loader.connection import connect
from loader.generate import generate
from loader.synthetic.bittensor import MOVEMENT_FIELDS, STAKE_FIELDS

pytestmark = pytest.mark.slow

FLOWS = "substrate_flows"
MODELS = ["balance_transfers", "balance_transfers_rejected", "stake_movement_legs", "bittensor_alpha_fees",
          "subnet_stake_flows_daily", "coldkey_subnet_positions_daily", "torus_emission_streams_daily",
          "money_flow_edges"]
# The kind of flow of each transfer_type on these networks (money_flow_edges.flow_type).
FLOW_TYPES = {"transfer": "transfer", "emission": "payout", "staking_reward": "payout", "treasury_award": "payout",
              "stream_distribution": "payout", "stake_added": "stake", "stake_removed": "stake",
              "stake_added_legacy": "stake", "stake_removed_legacy": "stake", "stake_moved": "stake",
              "stake_transferred": "stake", "stake_swapped": "stake"}
RAO = Decimal(10) ** 9


def values(event: dict[str, Any], names: list[str]) -> list[Any]:
    """The event's fields in positional order, whatever its shape."""
    attributes = event["attributes"]
    return [attributes[name] for name in names if name in attributes] if isinstance(attributes, dict) else attributes


def stake_side(event: dict[str, Any]) -> dict[str, Any] | None:
    """A dTAO StakeAdded / StakeRemoved as (coldkey, hotkey, tao, alpha, netuid, fee); None when old."""
    if len(event["attributes"]) == 2:
        return None
    fields = values(event, STAKE_FIELDS)
    return {"type": "stake_added" if event["event_id"] == "StakeAdded" else "stake_removed", "coldkey": fields[0],
            "hotkey": fields[1], "tao": fields[2], "alpha": fields[3], "netuid": fields[4],
            "fee": fields[5] if len(fields) == 6 else 0}


class Expected:
    """What the marts must hold for a list of canonical blocks, computed from the events."""

    def __init__(self, lines: list[str]):
        self.rows: Counter[str] = Counter()  # bittensor transfer_type -> rows
        self.raw: Counter[str] = Counter()  # transfer_type -> sum of amount_raw
        self.legs = 0
        self.leg_alpha = 0
        self.alpha_fees: list[int] = []
        self.subnet: defaultdict[tuple[str, int], int] = defaultdict(int)  # (measure, netuid) -> rao
        self.positions: defaultdict[tuple[str, int], int] = defaultdict(int)  # (coldkey, netuid) -> alpha
        self.streams: Counter[tuple[str, str]] = Counter()  # (permission, recipient) -> planck
        for line in lines:
            self.block(json.loads(line))

    def block(self, block: dict[str, Any]) -> None:
        events = block["events"]
        failed = {e["extrinsic_index"] for e in events if e["event_id"] == "ExtrinsicFailed"}
        # A movement's legs are the StakeRemoved and StakeAdded just before it (stake_utils.rs).
        legs = {i - offset: i for i, e in enumerate(events) if e["event_id"] in MOVEMENT_FIELDS for offset in (1, 2)}
        for i, event in enumerate(events):
            kind = (event["module_id"], event["event_id"])
            if kind == ("SubtensorModule", "TransactionFeePaidWithAlpha"):
                self.alpha_fees.append(values(event, ["who", "netuid", "alpha_fee", "tao_amount"])[2])
            if event["extrinsic_index"] in failed and event["extrinsic_index"] is not None:
                continue
            if kind == ("Permission0", "StreamDistribution"):
                permission, _stream, recipient, amount, _reason = values(
                    event, ["permission_id", "stream_id", "recipient", "amount", "reason"])
                self.streams[(permission, recipient)] += amount
            if event["module_id"] != "SubtensorModule":
                continue
            if event["event_id"] in MOVEMENT_FIELDS:
                fields = values(event, MOVEMENT_FIELDS[event["event_id"]])
                transfer_type = {"StakeMoved": "stake_moved", "StakeTransferred": "stake_transferred",
                                 "StakeSwapped": "stake_swapped"}[event["event_id"]]
                self.count(transfer_type, fields[-1])
            elif event["event_id"] in ("StakeAdded", "StakeRemoved"):
                side = stake_side(event)
                if side is None:
                    self.count(event["event_id"].replace("Stake", "stake_").lower() + "_legacy",
                               values(event, ["hotkey", "amount"])[1])
                    continue
                if i in legs:
                    names = MOVEMENT_FIELDS[events[legs[i]]["event_id"]]
                    movement = dict(zip(names, values(events[legs[i]], names), strict=True))
                    self.legs += 1
                    self.leg_alpha += side["alpha"]
                    self.side(side, is_pool_flow=movement["origin_netuid"] != movement["dest_netuid"])
                else:
                    self.count(side["type"], side["tao"])
                    self.side(side, is_pool_flow=True)
            elif event["event_id"] == "EmissionReceived":
                self.count("emission", values(event, ["hotkey", "amount"])[1])

    def count(self, transfer_type: str, raw: int) -> None:
        self.rows[transfer_type] += 1
        self.raw[transfer_type] += raw

    def side(self, side: dict[str, Any], is_pool_flow: bool) -> None:
        added = side["type"] == "stake_added"
        if is_pool_flow:
            self.subnet[("tao_in" if added else "tao_out", side["netuid"])] += side["tao"]
            self.subnet[("alpha_in" if added else "alpha_out", side["netuid"])] += side["alpha"]
        self.subnet[("stake_fees" if added else "unstake_fees", side["netuid"])] += side["fee"]
        self.positions[(side["coldkey"], side["netuid"])] += side["alpha"] if added else -side["alpha"]


def load(chdb: Path, network: str, path: Path) -> None:
    client = connect(chdb_path=chdb)
    try:
        load_files(client, network, [path])
    finally:
        client.close()


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def build(chdb: Path, *extra: str) -> None:
    run_dbt(["build", "--select", *MODELS, "--indirect-selection", "buildable", *extra], chdb)


def subnet_totals(chdb: Path) -> dict[tuple[str, int], int]:
    """The subnet mart summed over days, in rao, keyed like Expected.subnet (zeros left out)."""
    totals: dict[tuple[str, int], int] = {}
    measures = ["tao_in", "tao_out", "alpha_in", "alpha_out", "stake_fees", "unstake_fees"]
    for row in query(chdb, f"select netuid, {', '.join(f'toString(sum({m}))' for m in measures)} "
                           f"from {FLOWS}.subnet_stake_flows_daily where network = 'bittensor' group by netuid"):
        for measure, total in zip(measures, row[1:], strict=True):
            if Decimal(total) != 0:
                totals[(measure, row[0])] = int(Decimal(total) * RAO)
    return totals


def fingerprints(chdb: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for table in MODELS:
        columns = [name for (name,) in query(chdb, f"select name from system.columns where database = '{FLOWS}' "
                                                     f"and table = '{table}' order by position")]
        found[table] = query(chdb, f"select count(), groupBitXor(cityHash64({', '.join(f'`{c}`' for c in columns)}))"
                                   f" from {FLOWS}.`{table}`")[0]
    return found


def test_stake_flows_and_streams_in_loads_with_a_fork_equal_a_full_refresh(tmp_path: Path, chdb_path: Path) -> None:
    bittensor, torus = tmp_path / "bittensor.ndjson", tmp_path / "torus.ndjson"
    generate("bittensor", 450, 5, bittensor)
    generate("torus", 300, 5, torus)
    chain, streams = bittensor.read_text().splitlines(), torus.read_text().splitlines()
    # Block 317 re-organised: a new hash, and its stake movement (legs and fee) is gone.
    forked = json.loads(chain[317])
    moved = {e["extrinsic_index"] for e in forked["events"] if e["event_id"] in MOVEMENT_FIELDS}
    assert len(moved) == 1
    forked["block_hash"] = "0x" + "cd" * 32
    forked["events"] = [e for e in forked["events"] if e["extrinsic_index"] not in moved]
    forked["extrinsics"] = [x for x in forked["extrinsics"] if x["index"] not in moved]
    for index, event in enumerate(forked["events"]):
        event["index"] = index
    final_chain = chain[:317] + [json.dumps(forked)] + chain[318:]

    expected = Expected(final_chain + streams)

    # Two loads, a build after each: the first runtimes and the fee runtime's first blocks, then
    # the fork of an already processed block with the rest.
    load(chdb_path, "bittensor", write(tmp_path / "b1.ndjson", chain[:320]))
    load(chdb_path, "torus", write(tmp_path / "t1.ndjson", streams[:200]))
    build(chdb_path)
    load(chdb_path, "bittensor", write(tmp_path / "b2.ndjson", [json.dumps(forked)] + chain[320:]))
    load(chdb_path, "torus", write(tmp_path / "t2.ndjson", streams[200:]))
    build(chdb_path)

    assert query(chdb_path, f"select transfer_type, count(), toString(sum(amount_raw)) from {FLOWS}.balance_transfers "
                            "where network = 'bittensor' and transfer_type != 'transfer' group by transfer_type "
                            "order by transfer_type") == sorted(
        (t, n, str(expected.raw[t])) for t, n in expected.rows.items())
    # Known totals of this stream (a change to the generator or the rules shows up here).
    assert expected.rows == {"emission": 470, "stake_added": 130, "stake_added_legacy": 66, "stake_moved": 36,
                             "stake_removed": 79, "stake_removed_legacy": 51, "stake_swapped": 33,
                             "stake_transferred": 24}
    assert (expected.legs, expected.leg_alpha) == (186, 49059246232935)
    assert query(chdb_path, f"select count(), toString(sum(alpha_amount * 1000000000)) "
                            f"from {FLOWS}.stake_movement_legs") == [(expected.legs, str(expected.leg_alpha))]
    assert query(chdb_path, f"select count() from {FLOWS}.balance_transfers_rejected") == [(0,)]
    # Alpha-paid fees: every one kept with its subnet, none of them a TAO fee.
    assert query(chdb_path, f"select count(), toString(sum(alpha_fee_raw)) from {FLOWS}.bittensor_alpha_fees "
                            "where reject_reason = ''") == [(len(expected.alpha_fees), str(sum(expected.alpha_fees)))]
    assert (len(expected.alpha_fees), sum(expected.alpha_fees)) == (30, 17290787045)
    assert query(chdb_path, f"""
        select count() from {FLOWS}.balance_transfers
        where fee > 0 and (network, block_height, extrinsic_index) in (
            select network, block_height, extrinsic_index from {FLOWS}.bittensor_alpha_fees)""") == [(0,)]
    assert subnet_totals(chdb_path) == {key: total for key, total in expected.subnet.items() if total}
    positions = query(chdb_path, f"""
        select coldkey, netuid, toString(argMax(alpha_position, position_date) * 1000000000)
        from {FLOWS}.coldkey_subnet_positions_daily group by coldkey, netuid""")
    assert {(coldkey, netuid): int(Decimal(alpha)) for coldkey, netuid, alpha in positions} \
        == dict(expected.positions)
    assert query(chdb_path, f"""
        select permission_id, recipient, toString(sum(amount_raw))
        from {FLOWS}.torus_emission_streams_daily group by permission_id, recipient order by 1, 2""") == sorted(
        (permission, recipient, str(amount)) for (permission, recipient), amount in expected.streams.items())

    assert (len(expected.streams), sum(expected.streams.values())) == (37, 129102294743011083190034)
    # The graph by kind of flow: without `stake` it has no stake movement, and nothing is lost.
    flows: defaultdict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for network, transfer_type, count, volume in query(chdb_path, f"select network, transfer_type, count(), "
                                                                  f"toString(sum(amount)) from {FLOWS}.balance_transfers "
                                                                  "group by all"):
        flows[(network, FLOW_TYPES[transfer_type])][0] += count
        flows[(network, FLOW_TYPES[transfer_type])][1] += Decimal(volume)
    assert {(network, flow): (count, Decimal(volume)) for network, flow, count, volume in query(
        chdb_path, f"select network, flow_type, sum(transfer_count), toString(sum(total_volume)) "
                   f"from {FLOWS}.money_flow_edges group by all")} == {key: tuple(v) for key, v in flows.items()}
    assert query(chdb_path, f"select count() from {FLOWS}.money_flow_edges where flow_type = 'stake' "
                            "and arrayExists(t -> not startsWith(t, 'stake_'), transfer_types)") == [(0,)]

    incremental = fingerprints(chdb_path)
    build(chdb_path, "--full-refresh")
    assert fingerprints(chdb_path) == incremental
