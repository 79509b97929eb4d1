"""`substrate-loader load` / `status`: every input format, bad input, re-load, resume, replacement.

Long by design: one test per input format and per way a load can go wrong.
"""

from __future__ import annotations

import io
import json
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import zstandard

from loader.api import load_files, load_table, status
from loader.batch import LineBatch, number_lines
from loader.cli import main
from loader.connection import connect
from loader.generate import generate
from loader.landing import Landing
from loader.ndjson import batches

DATA = Path(__file__).parent / "data" / "loader"
BAD = DATA / "bad_lines.ndjson"
DB = "substrate_raw"


def rows(client: Any, sql: str, **parameters: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in client.query(sql, parameters=parameters).result_rows]


def table_counts(client: Any) -> tuple[int, ...]:
    return tuple(rows(client, f"select (select count() from {DB}.blocks), (select count() from {DB}.events), "
                              f"(select count() from {DB}.extrinsics), (select count() from {DB}.quarantine)")[0])


# ----- canonical NDJSON -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".ndjson", ".ndjson.gz", ".ndjson.zst"])
def test_load_generated_stream_then_reload_adds_nothing(client: Any, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"torus{suffix}"
    made = generate("torus", 120, 5, path)
    first = load_files(client, "torus", [path])
    assert (first.blocks, first.events, first.extrinsics, first.quarantined) == (120, made.events, made.extrinsics, 0)
    assert table_counts(client) == (120, made.events, made.extrinsics, 0)
    again = load_files(client, "torus", [path])
    assert (again.blocks, again.events, again.skipped, again.replaced) == (0, 0, 120, 0)
    assert table_counts(client) == (120, made.events, made.extrinsics, 0)
    assert again.load_ids[0] > first.load_ids[-1]


def test_small_batches_give_the_same_rows_and_increasing_load_ids(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "b.ndjson"
    made = generate("bittensor", 90, 1, path)
    summary = load_files(client, "bittensor", [path], batch_bytes=40_000)
    assert len(summary.load_ids) > 5 and summary.load_ids == sorted(set(summary.load_ids))
    assert table_counts(client) == (90, made.events, made.extrinsics, 0)
    per_block = rows(client, f"select count(), uniqExact(load_id) from {DB}.blocks")[0]
    assert per_block == (90, len(summary.load_ids))


BAD_REASONS = [
    (2, "invalid JSON (truncated or malformed line)"),
    (3, "invalid JSON (truncated or malformed line)"),
    (4, "not a block: a JSON Array instead of an object"),
    (5, "block_height missing"),
    (6, "block_height is not an unsigned 32-bit integer: abc"),
    (7, "block_hash is not a 0x-prefixed hex string: 123"),
    (8, "block_timestamp missing"),
    (9, "events is not an array but Object"),
    (10, "events[1]: module_id missing"),
    (11, "events[0]: index is not an unsigned integer: x"),
    (14, "events missing"),
    (15, "events[0]: phase is not initialization, apply_extrinsic or finalization: bogus"),
    (16, "two events with the same index"),
]


def test_bad_lines_are_quarantined_with_file_line_and_reason(chdb_path: Path) -> None:
    assert main(["load", "--network", "torus", "--chdb-path", str(chdb_path), str(BAD)]) == 1
    client = connect(chdb_path=chdb_path)
    try:
        quarantined = rows(client, f"select location, reason, raw_text from {DB}.quarantine order by toUInt32(splitByChar(':', location)[-1])")
        assert [(loc, reason) for loc, reason, _ in quarantined] == [(f"{BAD}:{n}", r) for n, r in BAD_REASONS]
        lines = BAD.read_text().splitlines()
        assert [raw for _, _, raw in quarantined] == [lines[n - 1] for n, _ in BAD_REASONS]  # the raw text, untouched
        assert rows(client, f"select block_height, event_count from {DB}.blocks order by block_height") == [(10, 1), (20, 6), (24, 4)]
        # A second load of the same file writes no second copy of the quarantine records.
        assert main(["load", "--network", "torus", "--chdb-path", str(chdb_path), str(BAD)]) == 1
        assert table_counts(client) == (3, 11, 4, 13)
    finally:
        client.close()


def test_amounts_are_kept_digit_for_digit_and_never_interpreted(client: Any) -> None:
    load_files(client, "torus", [BAD])
    attributes = dict(rows(client, f"select (block_height, event_index), attributes from {DB}.events where block_height in (20, 24)"))
    # Integers beyond 64 bits keep every digit (ClickHouse's JSON writer quotes them).
    assert attributes[(20, 1)].endswith('"amount":"18446744073709551617"}')
    assert attributes[(20, 2)].endswith(',"13000340975772328810068"]')
    assert attributes[(20, 5)].endswith('"amount":"340282366920938463463374607431768211455"}')
    assert attributes[(20, 3)] == '"5CqxBDNzFB9fzAR3T8Fn2BeEhfzBr5s7vZkXYmYg83Uyqqpw"'  # a bare string stays a JSON string
    assert attributes[(20, 4)] == "7"
    assert attributes[(20, 0)] == "null"
    # Negative, fractional and non-numeric amounts land exactly as written; dbt rejects them.
    assert attributes[(24, 0)].endswith('"amount":-5}')
    assert attributes[(24, 1)].endswith('"amount":1.50}')
    assert attributes[(24, 2)].endswith('"amount":"12abc"}')
    assert attributes[(24, 3)] == '"12"'
    extracted = rows(client, f"select JSONExtract(attributes, 'amount', 'UInt256') from {DB}.events where block_height = 20 and event_index = 5")
    assert extracted == [(2**128 - 1,)]


def _block(height: int, events: str) -> str:
    return (f'{{"block_height": {height}, "block_hash": "0x{height:02x}", "block_timestamp": 1735689600000, '
            f'"extrinsics": [], "events": [{events}]}}')


def _event(index: int, attributes: str, phase: str = "finalization") -> str:
    return (f'{{"index": {index}, "extrinsic_index": null, "phase": "{phase}", "module_id": "Balances", '
            f'"event_id": "Transfer", "attributes": {attributes}}}')


PARSED_LINES = [
    _block(30, ", ".join([_event(0, '{"who": "5Cqx", "amount": 1.50}'),
                          _event(1, "[1e3, 340282366920938463463374607431768211455]"),
                          _event(2, '"5CqxBDNzFB9fzAR3T8Fn2BeEhfzBr5s7vZkXYmYg83Uyqqpw"'), _event(3, "null")])),
    _block(31, ", ".join([_event(0, '"12"'), _event(1, "-5"), _event(2, '{"amount": 13000340975772328810068}')])),
    _block(32, ""),
    _block(33, _event(0, "{}", phase="bogus")),
]


def test_well_formed_batch_is_parsed_by_the_engine_keeping_attributes_as_written(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "parsed.ndjson"
    path.write_text("\n".join(PARSED_LINES) + "\n")
    summary = load_files(client, "torus", [path])
    assert (summary.blocks, summary.events, summary.quarantined) == (3, 7, 1)
    attributes = dict(rows(client, f"select (block_height, event_index), attributes from {DB}.events"))
    # The parsed path: each attribute's own text, spaces, 1.50, 1e3 and integers beyond 2^64 included.
    assert attributes[(30, 0)] == '{"who": "5Cqx", "amount": 1.50}'
    assert attributes[(30, 1)] == "[1e3, 340282366920938463463374607431768211455]"
    assert attributes[(30, 2)] == '"5CqxBDNzFB9fzAR3T8Fn2BeEhfzBr5s7vZkXYmYg83Uyqqpw"'
    assert attributes[(30, 3)] == "null"
    # A bare string that could pass for a number, or a bare number, sends its line to the exact path.
    assert (attributes[(31, 0)], attributes[(31, 1)]) == ('"12"', "-5")
    assert attributes[(31, 2)] == '{"amount":"13000340975772328810068"}'
    assert rows(client, f"select block_height, event_count from {DB}.blocks order by block_height") == [(30, 4), (31, 3), (32, 0)]
    assert rows(client, f"select location, reason, raw_text from {DB}.quarantine") == [
        (f"{path}:4", "events[0]: phase is not initialization, apply_extrinsic or finalization: bogus", PARSED_LINES[3])]
    extracted = rows(client, f"select JSONExtract(attributes, 2, 'UInt256') from {DB}.events where block_height = 30 and event_index = 1")
    assert extracted == [(2**128 - 1,)]


def test_blank_line_sends_the_batch_line_by_line_with_the_right_line_numbers(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "blank.ndjson"
    path.write_text(PARSED_LINES[0] + "\n\n" + "\n".join(PARSED_LINES[1:]) + "\n")
    summary = load_files(client, "torus", [path])
    assert (summary.blocks, summary.events, summary.quarantined) == (3, 7, 1)
    assert rows(client, f"select location from {DB}.quarantine") == [(f"{path}:5",)]
    # Read line by line (this line takes the exact path for its 1.50): spaces go, big integers are quoted.
    assert rows(client, f"select attributes from {DB}.events where block_height = 30 and event_index = 1") == \
           [('[1e3,"340282366920938463463374607431768211455"]',)]



# One number spelling per line, so each line must be caught on its own (1e3 has no '.' or '-').
EXACT_NUMBERS = {40: "1e3", 41: "2E-5", 42: "1.50", 43: "-7"}
EXACT_LINES = [_block(h, _event(0, f'{{"amount": {n}}}')) for h, n in EXACT_NUMBERS.items()] + [
    _block(44, _event(0, "[1e3, 2E-5, 1.50, -7, 18446744073709551617]"))]


@pytest.mark.parametrize("server", [False, True], ids=["chdb-line-by-line", "server-rows"])
def test_line_by_line_path_keeps_every_non_integer_number_as_written(client: Any, server: bool) -> None:
    """Exponents, fractions and negatives land as written when read line by line: on chDB (a blank
    line keeps the batch off the parsed path) and on the server path (numbered rows, forced here)."""
    payload = ("\n" + "\n".join(EXACT_LINES) + "\n").encode()
    with Landing(client, "torus", DB) as landing:
        if server:
            landing.embedded = False
            batch = LineBatch(number_lines(payload, "exact.ndjson", 1), "exact.ndjson", numbered=True)
        else:
            batch = LineBatch(payload, "exact.ndjson")
        summary = landing.land(batch)
    assert (summary.blocks, summary.events, summary.quarantined) == (5, 5, 0)
    assert rows(client, f"select block_height, attributes from {DB}.events order by block_height") == [
        (40, '{"amount":1e3}'), (41, '{"amount":2E-5}'), (42, '{"amount":1.50}'), (43, '{"amount":-7}'),
        (44, '[1e3,2E-5,1.50,-7,"18446744073709551617"]')]


def test_unknown_network_empty_file_and_non_block_file(chdb_path: Path, tmp_path: Path) -> None:
    target = ["--chdb-path", str(chdb_path)]
    assert main(["load", "--network", "atlantis", *target, str(BAD)]) == 2
    assert main(["load", "--network", "torus", *target, str(tmp_path / "missing.ndjson")]) == 2
    empty = tmp_path / "empty.ndjson"
    empty.write_text("")
    assert main(["load", "--network", "torus", *target, str(empty)]) == 1
    csv = tmp_path / "accounts.ndjson"
    csv.write_text("address,balance\n5Cq...,100\n5Hg...,200\n")
    assert main(["load", "--network", "torus", *target, str(csv)]) == 1  # quarantined as a whole
    client = connect(chdb_path=chdb_path)
    try:
        assert rows(client, f"select network, location, reason from {DB}.quarantine order by location") == [
            ("torus", str(csv), f"{csv}: not a block stream: none of its first 3 lines is a JSON object with block_height "
                                "(canonical NDJSON: one block per line, see docs/loading.md)"),
            ("torus", str(empty), "empty file: no blocks"),
        ]
        assert rows(client, f"select raw_text from {DB}.quarantine where location = {{p:String}}", p=str(csv)) == [(csv.read_text(),)]
        assert table_counts(client)[:3] == (0, 0, 0)  # the unknown network loaded nothing
    finally:
        client.close()


# ----- replacement and resume -----------------------------------------------------------------


def test_changed_hash_replaces_the_block_and_is_logged(client: Any, tmp_path: Path) -> None:
    original = tmp_path / "a.ndjson"
    made = generate("torus", 30, 9, original)
    lines = original.read_text().splitlines()
    changed = []
    for n, line in enumerate(lines):
        block = json.loads(line)
        if n in (4, 17):  # a re-org: new hash, one event fewer
            block["block_hash"] = "0x" + "ab" * 32
            block["events"] = block["events"][:-1]
        changed.append(json.dumps(block))
    fork = tmp_path / "b.ndjson"
    fork.write_text("\n".join(changed) + "\n")
    first = load_files(client, "torus", [original])
    second = load_files(client, "torus", [fork])
    assert (second.blocks, second.replaced, second.skipped) == (2, 2, 28)
    heights = [json.loads(lines[n])["block_height"] for n in (4, 17)]
    replacements = rows(client, f"select block_height, old_block_hash, new_block_hash, old_load_id < new_load_id "
                                f"from {DB}.block_replacements order by block_height")
    assert replacements == [(h, json.loads(lines[n])["block_hash"], "0x" + "ab" * 32, 1) for h, n in zip(heights, (4, 17), strict=True)]
    assert table_counts(client)[:2] == (30, made.events - 2)
    assert rows(client, f"select uniqExact(block_hash), min(load_id) > {{f:UInt64}} from {DB}.events where has({{h:Array(UInt32)}}, block_height)",
                f=first.load_ids[-1], h=heights) == [(1, 1)]
    # Readers joining on (network, block_height, block_hash) see exactly one version of every block.
    joined = rows(client, f"select count() from {DB}.events as e inner join {DB}.blocks as b "
                          "on e.network = b.network and e.block_height = b.block_height and e.block_hash = b.block_hash")
    assert joined == [(made.events - 2,)]


def test_later_line_with_another_hash_wins_and_the_earlier_is_quarantined(client: Any, tmp_path: Path) -> None:
    good = json.loads(BAD.read_text().splitlines()[0])
    fork = {**good, "block_hash": "0x" + "cd" * 32}
    path = tmp_path / "dup.ndjson"
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n" + json.dumps(fork) + "\n")
    summary = load_files(client, "torus", [path])
    assert (summary.blocks, summary.skipped, summary.quarantined) == (1, 0, 2)
    assert rows(client, f"select block_hash from {DB}.blocks") == [("0x" + "cd" * 32,)]
    reasons = rows(client, f"select location, reason from {DB}.quarantine order by location")
    assert reasons == [(f"{path}:{n}", f"block 10 appears again later in the input with hash 0x{'cd' * 32} ({path}:3); "
                                       "that later version was loaded") for n in (1, 2)]


class FailingClient:
    """Delegates to a client but fails the Nth insert into `blocks`: an interrupted load."""

    def __init__(self, inner: Any, fail_at: int):
        self.inner, self.fail_at, self.block_inserts = inner, fail_at, 0

    def command(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        if statement.lstrip().startswith(f"insert into {DB}.blocks "):
            self.block_inserts += 1
            if self.block_inserts == self.fail_at:
                raise KeyboardInterrupt("simulated interruption")
        return self.inner.command(statement, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("to_files", [False, True], ids=["in memory", "in files"])
def test_batches_are_whole_numbered_lines_whatever_their_lengths(to_files: bool) -> None:
    long_line = b'{"block_height": 3, "pad": "' + b"x" * 300 + b'"}'
    lines = [b'{"block_height": 1}', b'{"block_height": 2}\r', long_line, b"", b'{"block_height": 4}', b'{"block_height": 5}']
    stream = io.BytesIO(b"\xef\xbb\xbf" + b"\n".join(lines))  # a byte-order mark; no line end after the last line
    got = list(batches(stream, "s", 64, to_files))
    texts = [batch.file.read() if to_files else batch.payload for batch in got]
    assert b"".join(texts) == b"\n".join(lines) + b"\n"
    # Lines of 20, 21, 331, 1, 20 and 20 bytes: as many as fit in 64 bytes, the long one alone.
    assert [(batch.first_line, batch.line_count) for batch in got] == [(1, 2), (3, 1), (4, 3)]
    assert [batch.size for batch in got] == [len(text) for text in texts] == [41, 331, 41]
    if to_files:  # 0.ndjson holds the lines that fit in half a batch; 1.ndjson starts after them
        assert [batch.file.second_first for batch in got] == [1, 1, 2]
        for batch in got:
            batch.file.remove()


def test_interrupted_load_resumes_and_cleans_orphans(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.ndjson"
    made = generate("polkadot", 80, 4, path)
    with pytest.raises(KeyboardInterrupt):
        load_files(FailingClient(client, fail_at=3), "polkadot", [path], batch_bytes=60_000)
    committed, orphans = rows(client, f"select (select count() from {DB}.blocks), "
                                      f"(select count() from {DB}.events where load_id not in (select load_id from {DB}.blocks))")[0]
    # Two batches committed; the third wrote its events, then failed before its commit marker.
    cut = []
    with path.open("rb") as stream:  # the batches as chDB gets them: in files
        for batch in batches(stream, str(path), 60_000, to_files=True):
            cut.append(batch.file.read().splitlines())
            batch.file.remove()
    assert committed == len(cut[0]) + len(cut[1]) < 80
    assert orphans == sum(len(json.loads(line)["events"]) for line in cut[2])
    resumed = load_files(client, "polkadot", [path], batch_bytes=60_000)
    assert resumed.skipped == committed and resumed.blocks == 80 - committed
    assert table_counts(client) == (80, made.events, made.extrinsics, 0)
    assert rows(client, f"select count() from {DB}.loads where status = 'cleaned'") == [(1,)]
    assert rows(client, f"select count() = uniqExact(block_height, event_index) from {DB}.events") == [(1,)]


# ----- Sidecar, block_stream, server encoding, status -----------------------------------------


def test_sidecar_blocks_land_in_event_order(client: Any) -> None:
    summary = load_files(client, "polkadot", [DATA / "sidecar"])
    assert (summary.blocks, summary.extrinsics, summary.events, summary.quarantined) == (2, 5, 16, 0)
    events = rows(client, f"select block_height, event_index, extrinsic_index, phase, module_id, event_id from {DB}.events "
                          "where block_height = 1248328 order by event_index")
    assert [(e[1], e[2], e[3], e[4] + "." + e[5]) for e in events] == [
        (0, 0, "apply_extrinsic", "System.ExtrinsicSuccess"),
        (1, 1, "apply_extrinsic", "Balances.Withdraw"),
        (2, 1, "apply_extrinsic", "Staking.Reward"),
        (3, 1, "apply_extrinsic", "Staking.Reward"),
        (4, 1, "apply_extrinsic", "TransactionPayment.TransactionFeePaid"),
        (5, 1, "apply_extrinsic", "System.ExtrinsicSuccess"),
        (6, 2, "apply_extrinsic", "Balances.Withdraw"),
        (7, 2, "apply_extrinsic", "TransactionPayment.TransactionFeePaid"),
        (8, 2, "apply_extrinsic", "System.ExtrinsicFailed"),
        (9, None, "finalization", "ParaInclusion.CandidateIncluded"),
    ]
    transfer = rows(client, f"select attributes, block_time from {DB}.events where event_id = 'Transfer'")
    assert transfer == [('["13UVJyLnbVp9RBZYFwFGyDvVd1y27Tt8tkntv6Q7JVPhFsTB","16ZL8yLyXv3V3L3z9ofR1ovFLziyXaN1DPq4yffMAZ9czzBD",'
                         '"123456789012345678901"]', transfer[0][1])]
    assert str(transfer[0][1]).startswith("2020-08-19 10:40:48.001")
    extrinsics = rows(client, f"select extrinsic_index, signer, call_module, call_function, success, pays_fee from {DB}.extrinsics "
                              "where block_height = 1248328 order by extrinsic_index")
    assert extrinsics == [(0, "", "Timestamp", "set", True, False),
                          (1, "16ZL8yLyXv3V3L3z9ofR1ovFLziyXaN1DPq4yffMAZ9czzBD", "Staking", "payout_stakers", True, True),
                          (2, "13UVJyLnbVp9RBZYFwFGyDvVd1y27Tt8tkntv6Q7JVPhFsTB", "Balances", "transfer", False, True)]
    again = load_files(client, "polkadot", [DATA / "sidecar" / "1248328.json", DATA / "not_sidecar.json"])
    assert (again.blocks, again.skipped, again.quarantined) == (0, 1, 1)
    assert rows(client, f"select reason from {DB}.quarantine") == [
        (f"{DATA / 'not_sidecar.json'}: not a Sidecar /blocks/{{n}} response (needs number, hash, extrinsics)",)]


BLOCK_STREAM_DDL = """
create table src.block_stream
(
    block_height UInt32, block_hash String, block_timestamp UInt64,
    events Nested(event_idx String, extrinsic_id String, module_id String, event_id String, attributes String)
)
engine = MergeTree order by block_height
"""


def test_block_stream_table_is_copied_engine_side(client: Any) -> None:
    client.command("create database if not exists src")
    client.command(BLOCK_STREAM_DDL)
    transfer = '{"from":"5Cq","to":"5Hg","amount":13000340975772328810068}'
    client.command(
        "insert into src.block_stream values "
        "(100, '0x64', 1700000000000, ['100-0','100-1','100-2','100-3'], ['','100-0','100-1',''], "
        "['Treasury','System','Balances','Staking'], ['Awarded','ExtrinsicSuccess','Transfer','Reward'], "
        "['[1,2,\"5Cq\"]','null',{t:String},'{\"stash\":\"5Hg\",\"amount\":5}']), "
        "(101, '0x65', 1700000008000, ['101-0'], ['101-0'], ['System'], ['ExtrinsicSuccess'], ['not json'])",
        parameters={"t": transfer},
    )
    summary = load_table(client, "torus", "src.block_stream")
    assert (summary.blocks, summary.events, summary.quarantined) == (1, 4, 1)
    events = rows(client, f"select event_index, extrinsic_index, phase, event_id, attributes from {DB}.events order by event_index")
    assert events == [(0, None, "initialization", "Awarded", '[1,2,"5Cq"]'), (1, 0, "apply_extrinsic", "ExtrinsicSuccess", "null"),
                      (2, 1, "apply_extrinsic", "Transfer", transfer), (3, None, "finalization", "Reward", '{"stash":"5Hg","amount":5}')]
    assert rows(client, f"select location, reason from {DB}.quarantine") == [("src.block_stream:101", "an attributes value is not JSON text")]
    again = load_table(client, "torus", "src.block_stream")
    assert (again.blocks, again.skipped) == (0, 1)
    assert table_counts(client) == (1, 4, 0, 1)


def test_server_encoding_gives_the_same_rows(client: Any) -> None:
    """The server path (rows numbered in Python, TabSeparated, raw_insert) forced on chDB."""
    with Landing(client, "torus", "server_path") as landing:
        landing.embedded = False
        summary = landing.land(LineBatch(number_lines(BAD.read_bytes(), str(BAD), 1), str(BAD), numbered=True))
    assert (summary.blocks, summary.events, summary.quarantined) == (3, 11, 13)
    with Landing(client, "torus", "local_path") as local:
        local.land(LineBatch(BAD.read_bytes(), str(BAD)))
    for table, key in (("events", "block_height, event_index"), ("quarantine", "location")):
        columns = "block_height, event_index, attributes" if table == "events" else "location, reason, raw_text"
        assert rows(client, f"select {columns} from server_path.{table} order by {key}") == \
               rows(client, f"select {columns} from local_path.{table} order by {key}")


def test_status_reports_per_network_and_source(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "k.ndjson"
    made = generate("kusama", 10, 1, path)
    load_files(client, "kusama", [path])
    load_files(client, "torus", [BAD])
    report = {(r["network"], r["source"]): (r["blocks"], r["first_height"], r["last_height"], r["events"], r["quarantined"])
              for r in status(client)}
    assert report == {("kusama", str(path)): (10, 20_000_000, 20_000_009, made.events, 0), ("torus", str(BAD)): (3, 10, 24, 11, 13)}


def _readable_prefix(compressed: bytes, suffix: str) -> bytes:
    """All a decompressor gives of data cut short, read another way than the loader reads it."""
    if suffix == ".gz":
        return zlib.decompressobj(wbits=31).decompress(compressed)
    reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(compressed))  # ends quietly where data ends
    return reader.read()


@pytest.mark.parametrize("batch_bytes", [48 << 20, 1 << 20, 50_000], ids=["one batch", "1 MiB", "50 kB"])
@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_a_file_cut_short_lands_every_readable_line_and_quarantines_the_rest_once(
        client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, batch_bytes: int) -> None:
    whole = tmp_path / f"whole.ndjson{suffix}"
    generate("torus", 400, 7, whole)
    cut = tmp_path / f"cut.ndjson{suffix}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 6 // 10])
    readable = _readable_prefix(cut.read_bytes(), suffix)
    lines, tail = readable.count(b"\n"), readable[readable.rfind(b"\n") + 1:]
    assert 100 < lines < 400 and tail  # the cut falls inside a line
    batch_files = tmp_path / "batch-files"
    batch_files.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(batch_files))
    summary = load_files(client, "torus", [cut], batch_bytes=batch_bytes)
    assert list(batch_files.iterdir()) == []
    assert (summary.blocks, summary.quarantined) == (lines, 1)  # lines in = landed + quarantined
    assert rows(client, f"select count(), min(block_height), max(block_height) from {DB}.blocks") == [
        (lines, 1_200_000, 1_200_000 + lines - 1)]
    error = ("Compressed file ended before the end-of-stream marker was reached" if suffix == ".gz"
             else "zstd data ends inside a frame: the file is cut short")
    assert rows(client, f"select location, reason, raw_text from {DB}.quarantine") == [
        (f"{cut}:{lines + 1}", f"{cut}: cut short or corrupt from line {lines + 1} on ({error}): the lines before it "
                               f"are loaded; raw_text holds what could be read of line {lines + 1}", tail.decode())]
    again = load_files(client, "torus", [cut], batch_bytes=batch_bytes)  # the same record is not written twice
    assert (again.blocks, again.skipped, table_counts(client)[3]) == (0, lines, 1)


def test_in_memory_lines_with_a_byte_order_mark_file(client: Any, tmp_path: Path) -> None:
    from loader.api import load_lines

    good = BAD.read_bytes().splitlines(keepends=True)[0]
    bom = tmp_path / "bom.ndjson"
    bom.write_bytes(b"\xef\xbb\xbf" + good)
    assert (load_files(client, "torus", [bom]).blocks, table_counts(client)) == (1, (1, 1, 1, 0))
    summary = load_lines(client, "torus", good.replace(b'"block_height": 10', b'"block_height": 11').rstrip(), "follow:test")
    assert (summary.blocks, summary.events) == (1, 1)
    assert rows(client, f"select block_height, source from {DB}.blocks order by block_height") == [(10, str(bom)), (11, "follow:test")]


def test_cli_from_table_and_status(chdb_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = connect(chdb_path=chdb_path)
    try:
        client.command("create database if not exists src")
        client.command(BLOCK_STREAM_DDL)
        client.command("insert into src.block_stream values (7, '0x07', 1700000000000, ['7-0'], ['7-0'], ['System'], ['ExtrinsicSuccess'], ['null'])")
    finally:
        client.close()
    target = ["--chdb-path", str(chdb_path)]
    assert main(["load", "--network", "torus", *target, "--from-table", "src.block_stream"]) == 0
    assert main(["load", "--network", "torus", *target, "--from-table", "src;drop"]) == 2
    assert main(["load", "--network", "torus", *target]) == 2
    capsys.readouterr()
    assert main(["status", *target]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["network", "source", "blocks", "first_height", "last_height", "events", "last_load",
                              "quarantined", "replacements", "bad_checksums"]
    assert out[1].split()[:6] == ["torus", "src.block_stream", "1", "7", "7", "1"]


def test_every_sql_file_of_the_loader_is_package_data() -> None:
    """The loader reads its SQL from loader/sql/ at run time: an installed package must carry it."""
    import tomllib
    from fnmatch import fnmatch

    loader = Path(__file__).resolve().parent.parent / "loader"
    pyproject = tomllib.loads((loader.parent / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["loader"]
    files = sorted(str(p.relative_to(loader)) for p in loader.rglob("*.sql"))
    assert "schema.sql" in files and "sql/stage_parsed.sql" in files and "sql/parts/event_ok.sql" in files
    assert [f for f in files if not any(fnmatch(f, pattern) and f.count("/") == pattern.count("/")
                                        for pattern in patterns)] == []


def test_zstd_frames_one_after_another_are_one_stream(client: Any, tmp_path: Path) -> None:
    made = tmp_path / "made.ndjson"
    generate("torus", 60, 2, made)
    lines = made.read_bytes().splitlines(keepends=True)
    joined = tmp_path / "frames.ndjson.zst"  # `cat a.zst b.zst c.zst`, the middle frame empty
    joined.write_bytes(b"".join(zstandard.ZstdCompressor().compress(b"".join(part))
                                for part in (lines[:25], [], lines[25:])))
    summary = load_files(client, "torus", [joined], batch_bytes=100_000)
    assert (summary.blocks, summary.quarantined) == (60, 0)
    assert table_counts(client)[0] == 60
