"""Bad input as an adversary writes it: every line in is a block landed or a record quarantined
with its reason, and nothing a line holds ever runs as SQL."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from loader.api import load_files
from loader.batch import LineBatch, number_lines
from loader.cli import main
from loader.connection import connect
from loader.generate import generate
from loader.landing import Landing
from loader.ndjson import load_ndjson_file

DB = "substrate_raw"
NOT_UTF8 = "not UTF-8 text, as JSON must be (raw_text holds the bytes as read)"


def rows(client: Any, sql: str, database: str = DB) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in client.query(sql.replace("{db}", database)).result_rows]


def event(index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"index": index, "extrinsic_index": None, "phase": "finalization", "module_id": "Balances",
            "event_id": "Transfer", "attributes": {"from": "5Cq", "to": "5Hg", "amount": 5}, **fields}


def extrinsic(index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"index": index, "hash": "0x0a", "signer": None, "call_module": "Timestamp", "call_function": "set",
            "success": True, "pays_fee": False, **fields}


def block(height: int, **fields: Any) -> dict[str, Any]:
    return {"block_height": height, "block_hash": f"0x{height:04x}", "block_timestamp": 1735689600000 + height,
            "extrinsics": [extrinsic()], "events": [event()], **fields}


def without(values: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != name}


def land(client: Any, database: str, payload: bytes, source: str, server: bool) -> Any:
    """One batch through the embedded path, or through the server's (numbered rows) forced on chDB."""
    with Landing(client, "torus", database) as landing:
        if server:
            landing.embedded = False
            return landing.land(LineBatch(number_lines(payload, source, 1), source, numbered=True))
        return landing.land(LineBatch(payload, source))


# Each bad block, and the reason the engine must give (the good ones around it land).
MISTYPED = [
    (block(101, block_height=-1), "block_height is not an unsigned 32-bit integer: -1"),
    (block(102, block_height=4294967296), "block_height is not an unsigned 32-bit integer: 4294967296"),
    (block(103, block_height=1.5), "block_height is not an unsigned 32-bit integer: 1.5"),
    (block(104, block_height=None), "block_height missing"),
    (without(block(105), "block_hash"), "block_hash missing"),
    (block(106, block_hash="0xZZ"), "block_hash is not a 0x-prefixed hex string: 0xZZ"),
    (block(107, block_timestamp="soon"), "block_timestamp is not Unix milliseconds: soon"),
    (block(108, block_timestamp=-8), "block_timestamp is not Unix milliseconds: -8"),
    (block(109, extrinsics={}), "extrinsics is not an array but Object"),
    (block(110, extrinsics=[1]), "extrinsics holds items that are not objects"),
    (block(111, extrinsics=[extrinsic(success="yes")]), "extrinsics[0]: success missing or not a boolean"),
    (block(112, extrinsics=[extrinsic(hash="zz")]), "extrinsics[0]: hash is not a 0x-prefixed hex string or null"),
    (block(113, extrinsics=[extrinsic(), extrinsic(0)]), "two extrinsics with the same index"),
    (block(114, extrinsics=[without(extrinsic(), "call_module")]), "extrinsics[0]: call_module missing or not a name"),
    (block(115, events=[event(extrinsic_index=-1, phase="apply_extrinsic")]),
     "events[0]: extrinsic_index is not an unsigned integer or null: -1"),
    (block(116, events=[event(phase="apply_extrinsic")]),
     "events[0]: extrinsic_index must be set in phase apply_extrinsic and only there"),
    (block(117, events=[event(), event(1, module_id="Bal'); DROP TABLE substrate_raw.blocks; --")]),
     "events[1]: module_id is not a name: Bal'); DROP TABLE substrate_raw.blocks; --"),
    (block(118, events=[1, 2]), "events holds items that are not objects"),
    (block(119, events=[event(4294967296)]), "events[0]: index is not an unsigned integer: 4294967296"),
    (block(120, events=[without(event(), "event_id")]), "events[0]: event_id missing"),
    (block(121, events=[event(phase=None)]), "events[0]: phase missing"),
    (block(122, events="none"), "events is not an array but String"),
]


@pytest.mark.parametrize("server", [False, True], ids=["chdb", "server-rows"])
def test_missing_and_mistyped_fields_are_quarantined_each_with_its_reason(client: Any, server: bool) -> None:
    lines = [json.dumps(block(100))] + [json.dumps(bad) for bad, _ in MISTYPED] + [json.dumps(block(200))]
    summary = land(client, DB, ("\n".join(lines) + "\n").encode(), "mistyped.ndjson", server)
    assert (summary.blocks, summary.quarantined) == (2, len(MISTYPED))  # 24 lines = 2 landed + 22 quarantined
    assert rows(client, "select block_height from {db}.blocks order by block_height") == [(100,), (200,)]
    quarantined = rows(client, "select location, reason, raw_text from {db}.quarantine "
                               "order by toUInt32(splitByChar(':', location)[-1])")
    assert quarantined == [(f"mistyped.ndjson:{n}", reason, lines[n - 1]) for n, (_, reason) in enumerate(MISTYPED, 2)]
    # The SQL fragment in a module_id stayed data: the table it names is still there.
    assert rows(client, "select count() from {db}.blocks") == [(2,)]


def test_a_corrupt_line_between_good_ones_costs_only_itself(client: Any, tmp_path: Path) -> None:
    made = tmp_path / "made.ndjson"
    generate("torus", 30, 4, made)
    lines = made.read_bytes().splitlines()
    half = lines[9][: len(lines[9]) // 2]
    noise = random.Random(3).randbytes(300).replace(b"\n", b"").replace(b"\r", b"")
    damaged = lines[:9] + [half] + lines[10:19] + [noise] + lines[20:]
    path = tmp_path / "damaged.ndjson"
    path.write_bytes(b"\n".join(damaged) + b"\n")
    for batch_bytes, database in ((48 << 20, DB), (20_000, "small_batches")):
        with Landing(client, "torus", database) as landing:
            summary = load_ndjson_file(landing, path, batch_bytes)
        assert (summary.blocks, summary.quarantined) == (28, 2)  # 30 lines = 28 landed + 2 quarantined
        heights = [h for (h,) in rows(client, "select block_height from {db}.blocks order by block_height", database)]
        assert heights == [1_200_000 + n for n in range(30) if n not in (9, 19)]
        assert rows(client, "select location, reason, hex(raw_text) from {db}.quarantine order by location", database) == [
            (f"{path}:10", "invalid JSON (truncated or malformed line)", half.hex().upper()),
            (f"{path}:20", NOT_UTF8, noise.hex().upper()),
        ]


@pytest.mark.parametrize("server", [False, True], ids=["chdb", "server-rows"])
def test_lines_that_are_not_utf8_are_quarantined_with_their_bytes(client: Any, server: bool) -> None:
    good = json.dumps(block(1)).encode()
    latin1 = json.dumps(block(2, events=[event(attributes={"who": "Jos\u00e9"})])).encode().replace(b"\\u00e9", b"\xe9")
    exact = json.dumps(block(3, events=[event(attributes={"amount": 1.5, "who": "x"})])).encode().replace(b'"x"', b'"\xc3"')
    summary = land(client, DB, good + b"\n" + latin1 + b"\n" + exact + b"\n", "bytes.ndjson", server)
    assert (summary.blocks, summary.quarantined) == (1, 2)
    assert rows(client, "select location, reason, hex(raw_text) from {db}.quarantine order by location") == [
        ("bytes.ndjson:2", NOT_UTF8, latin1.hex().upper()), ("bytes.ndjson:3", NOT_UTF8, exact.hex().upper())]


@pytest.mark.parametrize("batch_bytes", [48 << 20, 64 << 10], ids=["one batch", "batches smaller than the line"])
def test_a_megabyte_attribute_lands_whole(client: Any, tmp_path: Path, batch_bytes: int) -> None:
    memo = random.Random(5).randbytes(1 << 19).hex()  # a megabyte of text
    big = [event(attributes={"memo": memo}), event(1, attributes=[memo, 2**130])]
    lines = [json.dumps(block(1)), json.dumps(block(2, events=big)), json.dumps(block(3))]
    path = tmp_path / "big.ndjson"
    path.write_text("\n".join(lines) + "\n")
    summary = load_files(client, "torus", [path], batch_bytes=batch_bytes)
    assert (summary.blocks, summary.events, summary.quarantined) == (3, 4, 0)
    assert rows(client, "select event_index, attributes from {db}.events where block_height = 2 order by event_index") == [
        (0, json.dumps({"memo": memo})), (1, f'["{memo}", {2**130}]')]


HOSTILE = [
    "x'); DROP TABLE substrate_raw.blocks; --",
    "'; select * from system.tables; '",
    "{source:String}",
    "back\\slash \"quoted\" 'single'",
    "tab\there\nnewline\rreturn\u0000nul\u0007bell\u001bescape",
    "\u202eright-to-left\u200f \U0001F600 emoji",
    "\\N",
]


def test_hostile_strings_are_stored_verbatim_and_never_run(client: Any, tmp_path: Path) -> None:
    events = [event(n, attributes={"who": text, "amount": 1}) for n, text in enumerate(HOSTILE)]
    events.append(event(len(HOSTILE), attributes=HOSTILE[0]))  # a bare string attribute
    extrinsics = [extrinsic(signer=HOSTILE[0])]
    path = tmp_path / "x'); drop table substrate_raw.blocks; --.ndjson"
    path.write_text(json.dumps(block(7, events=events, extrinsics=extrinsics)) + "\n")
    summary = load_files(client, "torus", [path])
    assert (summary.blocks, summary.events, summary.quarantined) == (1, len(HOSTILE) + 1, 0)
    attributes = [a for (a,) in rows(client, "select attributes from {db}.events order by event_index")]
    assert attributes == [json.dumps(e["attributes"]) for e in events]  # the text as written
    assert [json.loads(a) for a in attributes] == [{"who": text, "amount": 1} for text in HOSTILE] + [HOSTILE[0]]
    assert rows(client, "select signer, source from {db}.extrinsics") == [(HOSTILE[0], str(path))]
    assert rows(client, "select source from {db}.blocks") == [(str(path),)]
    assert rows(client, "select count() from system.tables where database = 'substrate_raw' and name = 'blocks'") == [(1,)]


def test_a_load_goes_on_past_files_that_are_not_block_streams(chdb_path: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "h1.ndjson", tmp_path / "h2.ndjson"
    made = [generate("torus", 20, 1, first), generate("torus_testnet", 5, 1, second)]  # heights 1.2M, 400k
    garbage = tmp_path / "garbage.ndjson"
    garbage.write_bytes(random.Random(8).randbytes(5000))
    not_gzip = tmp_path / "noise.ndjson.gz"
    not_gzip.write_bytes(b"this is no gzip data\n")
    paths = [first, garbage, not_gzip, second]
    assert main(["load", "--network", "torus", "--chdb-path", str(chdb_path), *map(str, paths)]) == 1
    err = capsys.readouterr().err.splitlines()
    lines = len([line for line in garbage.read_bytes().split(b"\n") if line.strip()])
    assert lines == 20
    refused = (f"{garbage}: not a block stream: none of its first {lines} lines is a "
               "JSON object with block_height (canonical NDJSON: one block per line, see docs/loading.md)")
    assert err[0].startswith(f"substrate-loader: torus: 25 blocks, {made[0].extrinsics + made[1].extrinsics} "
                             f"extrinsics, {made[0].events + made[1].events} events loaded; 0 skipped (already loaded), "
                             "0 replaced (hash changed), 2 quarantined; ")
    assert err[1:] == [f"substrate-loader: quarantined as a whole: {refused}",
                       "substrate-loader: 2 record(s) quarantined: see the quarantine table (source, location "
                       "file:line, raw_text, reason)"]
    client = connect(chdb_path=chdb_path)
    try:
        assert rows(client, "select source, count() from {db}.blocks group by source order by source") == [
            (str(first), 20), (str(second), 5)]
        assert rows(client, "select location, reason, raw_text from {db}.quarantine order by location") == [
            (str(garbage), refused, garbage.read_bytes()[:4096].decode("utf-8", "replace")),
            (f"{not_gzip}:1", f"{not_gzip}: cut short or corrupt from line 1 on (Not a gzipped file (b'th')): the "
                              "lines before it are loaded; raw_text holds what could be read of line 1", ""),
        ]
    finally:
        client.close()


def test_a_sidecar_file_that_is_not_utf8_is_quarantined_whole(client: Any, tmp_path: Path) -> None:
    source = Path(__file__).parent / "data" / "loader" / "sidecar" / "1248328.json"
    broken = tmp_path / "1248329.json"
    broken.write_bytes(source.read_bytes().replace(b'"1248328"', b'"1248329\xff"', 1))
    position = broken.read_bytes().index(b"\xff")
    summary = load_files(client, "polkadot", [source, broken])
    assert (summary.blocks, summary.quarantined) == (1, 1)
    assert summary.quarantined_whole == [f"{broken}: not UTF-8 text (byte {position})"]
    assert rows(client, "select location, reason from {db}.quarantine") == [
        (str(broken), f"{broken}: not UTF-8 text (byte {position})")]
