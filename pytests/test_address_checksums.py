"""SS58 checksums: the loader finds the addresses of wrong checksum in what it lands, and the
transfer rules reject them as address_checksum_mismatch (the engine has no BLAKE2b)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from scalecodec.utils.ss58 import is_valid_ss58_address, ss58_encode

from conftest import account, query, run_dbt
from loader.addresses import checksum_fails
from loader.api import load_files, status
from loader.batch import LineBatch, number_lines
from loader.connection import connect
from loader.landing import EARLIER_ADDRESSES_CHECKED, Landing
from loader.schema import ensure_schema

DB = "substrate_raw"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58_bytes(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def ss58_shaped(data: bytes) -> bool:
    """A 1-byte prefix (below 64) or a 2-byte one (first byte 64-127), 32 bytes, 2 checksum bytes."""
    return len(data) == 35 and data[0] < 64 or len(data) == 36 and 64 <= data[0] < 128


def wrong_checksum(address: str) -> str:
    """The address with its last character changed: same shape, checksum no longer matches."""
    return address[:-1] + ("2" if address[-1] != "2" else "3")


def escaped(text: str) -> str:
    """`text` as a JSON string literal with its first ten characters written as \\u escapes."""
    return '"' + "".join(f"\\u{ord(c):04x}" for c in text[:10]) + text[10:] + '"'


def test_checksum_fails_agrees_with_an_independent_decoder() -> None:
    """scalecodec's SS58 decoder (1- and 2-byte network prefixes) says which strings are valid;
    checksum_fails says the same of every valid address and of every one-character change."""
    rng = random.Random(7)
    checked = mismatches = 0
    for ss58_format in (0, 2, 42, 63, 64, 255, 1221, 16383):
        for _ in range(25):
            address = ss58_encode(rng.randbytes(32), ss58_format)
            assert not checksum_fails(base58_bytes(address))
            position = rng.randrange(len(address))
            changed = address[:position] + rng.choice(BASE58.replace(address[position], "")) + address[position + 1:]
            data = base58_bytes(changed)
            if len(data) != len(base58_bytes(address)):
                continue  # a change of the leading digit can change the length: not SS58-shaped then
            if ss58_shaped(data):  # else the prefix changed to one of another length: no account
                checked += 1
                assert checksum_fails(data) == (not is_valid_ss58_address(changed)), changed
                mismatches += checksum_fails(data)
    assert checked >= 180 and mismatches >= 180


def test_a_batch_lands_its_checksum_failures_once(client: Any) -> None:
    good, other = account("alice"), account("bob")
    bad, bad_2, bad_kusama = wrong_checksum(good), wrong_checksum(other), wrong_checksum(account("carol", prefix=2))
    two_byte_bad = wrong_checksum(ss58_encode(bytes(32), 1221))
    attributes = [
        json.dumps({"from": good, "to": other, "amount": 5}),
        json.dumps({"from": good, "to": bad, "amount": 5}),
        '{"from": ' + escaped(bad_2) + ', "to": "' + good + '", "amount": 5}',
        json.dumps({"who": {"nested": [bad_kusama, two_byte_bad]}, "note": "0x" + "ab" * 32}),
        json.dumps([bad, good, 7]),  # seen again: one row
    ]
    events = ",".join(
        '{"index": %d, "extrinsic_index": null, "phase": "finalization", "module_id": "Balances", '
        '"event_id": "Transfer", "attributes": %s}' % (index, text) for index, text in enumerate(attributes))
    payload = ('{"block_height": 1, "block_hash": "0x01", "block_timestamp": 1735689600000, "extrinsics": [], '
               '"events": [' + events + "]}\n").encode()
    for server_path in (False, True):  # the embedded path and the server's (numbered rows), alike
        database = f"{DB}_{int(server_path)}"
        for _ in range(2):  # landed, then the same block again: skipped, nothing new
            with Landing(client, "torus", database) as landing:
                landing.embedded = not server_path
                landing.land(LineBatch(number_lines(payload, "a.ndjson", 1), "a.ndjson", numbered=True)
                             if server_path else LineBatch(payload, "a.ndjson"))
        found = client.query(f"select address, load_id from {database}.address_checksum_failures order by address")
        assert found.result_rows == sorted([(bad, 1), (bad_2, 1), (bad_kusama, 1), (two_byte_bad, 1)])
        (row,) = status(client, database)  # `substrate-loader status` counts them per network
        assert (row["network"], row["blocks"], row["bad_checksums"]) == ("torus", 1, 4)


def test_events_landed_before_the_check_are_checked_once_as_load_0(client: Any) -> None:
    bad = wrong_checksum(account("dave"))
    ensure_schema(client, DB)
    client.insert(f"{DB}.events", [("torus", 5, "0x05", 0, 0, "finalization", "Balances", "Transfer",
                                    json.dumps([bad, account("erin"), 1]), "old", 3)],
                  column_names=["network", "block_height", "block_hash", "block_time", "event_index", "phase",
                                "module_id", "event_id", "attributes", "source", "load_id"])
    for _ in range(2):
        with Landing(client, "polkadot", DB):
            pass
    assert client.query(f"select network, address, load_id from {DB}.address_checksum_failures").result_rows == [
        ("torus", bad, 0)]
    assert client.query(f"select load_id, source, status from {DB}.loads").result_rows == [
        (0, EARLIER_ADDRESSES_CHECKED, "committed")]


def test_an_interrupted_batch_leaves_no_checksum_failures(client: Any) -> None:
    ensure_schema(client, DB)
    client.command(f"insert into {DB}.loads (load_id, network, source, status) values (0, 'torus', 'x', 'committed'), "
                   "(4, 'torus', 'b.ndjson', 'started')")
    client.insert(f"{DB}.address_checksum_failures", [("torus", "kept", 2), ("torus", "interrupted", 4)],
                  column_names=["network", "address", "load_id"])
    with Landing(client, "torus", DB):
        pass
    assert client.query(f"select address from {DB}.address_checksum_failures").result_rows == [("kept",)]


def write_transfers(path: Path, transfers: list[tuple[str, str, int]], first_height: int = 1) -> Path:
    """One block per (sender, receiver, amount) Balances.Transfer, as NDJSON."""
    path.write_text("".join(json.dumps({
        "block_height": height, "block_hash": f"0x{height:02x}", "block_timestamp": 1735689600000 + height * 6000,
        "extrinsics": [], "events": [{"index": 0, "extrinsic_index": None, "phase": "finalization",
                                      "module_id": "Balances", "event_id": "Transfer",
                                      "attributes": {"from": sender, "to": receiver, "amount": amount}}],
    }) + "\n" for height, (sender, receiver, amount) in enumerate(transfers, start=first_height)))
    return path


def load(chdb_path: Path, path: Path) -> None:
    client = connect(chdb_path=chdb_path)
    try:
        load_files(client, "torus", [path])
    finally:
        client.close()


def rejected(chdb_path: Path) -> list[tuple[Any, ...]]:
    return query(chdb_path, """select block_height, reject_reason, amount_text
        from substrate_flows.balance_transfers_rejected order by block_height""")


@pytest.mark.slow
def test_a_transfer_to_a_wrong_checksum_is_rejected_and_never_profiled(tmp_path: Path, chdb_path: Path) -> None:
    alice, bob = account("alice"), account("bob")
    bad = wrong_checksum(bob)
    load(chdb_path, write_transfers(tmp_path / "blocks.ndjson", [(alice, bob, 10**18), (alice, bad, 2 * 10**18),
                                                                (bad, alice, 3 * 10**18)]))
    run_dbt(["build", "--select", "balance_transfers+"], chdb_path)
    assert query(chdb_path, "select block_height, from_address, to_address from substrate_flows.balance_transfers") == [
        (1, alice, bob)]
    assert rejected(chdb_path) == [(2, "address_checksum_mismatch", str(2 * 10**18)),
                                   (3, "address_checksum_mismatch", str(3 * 10**18))]
    assert query(chdb_path, "select address from substrate_flows.address_analytics order by address") == sorted(
        [(alice,), (bob,)])


@pytest.mark.slow
def test_a_database_loaded_before_the_check_builds_then_is_checked_by_its_next_load(
        tmp_path: Path, chdb_path: Path) -> None:
    """As a raw database an older loader wrote: no failures table and no load 0. dbt still
    builds (no failures known yet); the next load checks the earlier events, and a full refresh
    rejects their transfers."""
    alice, bad = account("alice"), wrong_checksum(account("bob"))
    load(chdb_path, write_transfers(tmp_path / "old.ndjson", [(alice, bad, 5)]))
    client = connect(chdb_path=chdb_path)
    try:
        client.command(f"drop table {DB}.address_checksum_failures")
        client.command(f"delete from {DB}.loads where load_id = 0")
    finally:
        client.close()
    run_dbt(["build", "--select", "balance_transfers+"], chdb_path)
    assert query(chdb_path, "select count() from substrate_flows.balance_transfers") == [(1,)]
    load(chdb_path, write_transfers(tmp_path / "new.ndjson", [(alice, account("carol"), 7)], first_height=2))
    assert query(chdb_path, f"select address, load_id from {DB}.address_checksum_failures") == [(bad, 0)]
    run_dbt(["build", "--select", "balance_transfers+", "--full-refresh"], chdb_path)
    assert query(chdb_path, "select block_height from substrate_flows.balance_transfers") == [(2,)]
    assert rejected(chdb_path) == [(1, "address_checksum_mismatch", "5")]
