"""`substrate-loader follow --sidecar-url`: a Sidecar endpoint served on 127.0.0.1 by a test server
from the recorded `/blocks/{n}` responses in data/follow/sidecar/ (40 SYNTHETIC Polkadot blocks,
see data/follow/make_sidecar_blocks.py), with a missing height (404), a 500 that succeeds on
retry, a slow response, a height that always fails, and a finalized head below the newest block."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import query
from follow_support import batch_lines, follow
from loader.follow import EXIT_FAILED, EXIT_OK
from loader.sidecar_http import SidecarClient, SidecarError

RECORDED = Path(__file__).parent / "data" / "follow" / "sidecar"
FIRST = 1_248_128  # the first recorded height; the last is FIRST + 39
RAW = "substrate_raw"


@dataclass
class Behaviour:
    """What the test server does: which heights are missing, fail, answer slowly; the finalized head."""

    head: int = FIRST + 39
    missing: set[int] = field(default_factory=set)
    fail_once: set[int] = field(default_factory=set)
    fail_always: set[int] = field(default_factory=set)
    slow: dict[int, float] = field(default_factory=dict)
    requests: Counter[int] = field(default_factory=Counter)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def handler_for(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class RecordedSidecar(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if self.path == "/blocks/head?finalized=true":
                self._answer(200, (RECORDED / f"{behaviour.head}.json").read_bytes())
                return
            height = int(self.path.removeprefix("/blocks/"))
            with behaviour.lock:
                behaviour.requests[height] += 1
                behaviour.in_flight += 1
                behaviour.most_in_flight = max(behaviour.most_in_flight, behaviour.in_flight)
                first_time = behaviour.requests[height] == 1
            try:
                time.sleep(behaviour.slow.get(height, 0.02))
            finally:
                # no longer in flight before the answer leaves: once the client has read it, it may
                # send its next request while this thread has not yet run again
                with behaviour.lock:
                    behaviour.in_flight -= 1
            path = RECORDED / f"{height}.json"
            if height in behaviour.fail_always or (height in behaviour.fail_once and first_time):
                self._answer(500, b'{"code":500,"message":"Internal Server Error","stack":"RpcError: timeout"}')
            elif height in behaviour.missing or not path.exists():
                self._answer(404, b'{"code":404,"message":"Block not found"}')
            else:
                self._answer(200, path.read_bytes())

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    return RecordedSidecar


@pytest.fixture
def sidecar() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(behaviour))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", behaviour
    server.shutdown()
    server.server_close()


def recorded_events(low: int, high: int) -> int:
    """Events of the recorded blocks low..high (initialization, each extrinsic's, finalization)."""
    total = 0
    for height in range(low, high + 1):
        block = json.loads((RECORDED / f"{height}.json").read_text())
        total += len(block["onInitialize"]["events"]) + len(block["onFinalize"]["events"])
        total += sum(len(x["events"]) for x in block["extrinsics"])
    return total


# ----- the HTTP client alone --------------------------------------------------------------------------


def test_fetch_keeps_order_with_requests_in_flight_retries_a_500_and_stops_at_a_404(
        sidecar: tuple[str, Behaviour]) -> None:
    url, behaviour = sidecar
    behaviour.fail_once, behaviour.slow, behaviour.missing = {FIRST + 2}, {FIRST + 1: 0.5}, {FIRST + 6}
    retries: list[str] = []
    client = SidecarClient(url, concurrency=4, retries=2, retry_delay=0.01, on_retry=retries.append)
    try:
        assert client.finalized_head() == FIRST + 39
        fetched = client.fetch(FIRST, FIRST + 9)
    finally:
        client.close()
    assert [height for height, _url, _text in fetched.bodies] == list(range(FIRST, FIRST + 6))
    assert fetched.bodies[1][1] == f"{url}/blocks/{FIRST + 1}"
    assert json.loads(fetched.bodies[1][2])["number"] == str(FIRST + 1)
    assert (fetched.missing, fetched.failed) == (FIRST + 6, None)
    assert behaviour.requests[FIRST + 2] == 2 and behaviour.requests[FIRST + 6] == 1
    assert retries == [f"{url}/blocks/{FIRST + 2}: HTTP 500; retry 1/2 in 0.0 s"]
    assert behaviour.most_in_flight == 4  # the slow block did not hold the others back


def test_a_height_that_keeps_failing_is_reported_after_the_retries(sidecar: tuple[str, Behaviour]) -> None:
    url, behaviour = sidecar
    behaviour.fail_always = {FIRST + 1}
    client = SidecarClient(url, concurrency=2, retries=2, retry_delay=0.01)
    try:
        fetched = client.fetch(FIRST, FIRST + 3)
    finally:
        client.close()
    assert [height for height, _url, _text in fetched.bodies] == [FIRST]
    assert isinstance(fetched.failed, SidecarError) and fetched.failed.height == FIRST + 1
    assert str(fetched.failed) == f"{url}/blocks/{FIRST + 1}: HTTP 500 (gave up after 3 attempts)"
    assert behaviour.requests[FIRST + 1] == 3


# ----- the command ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_follow_sidecar_up_to_the_finalized_head_through_a_gap(sidecar: tuple[str, Behaviour], chdb_path: Path) -> None:
    url, behaviour = sidecar
    behaviour.head = FIRST + 29  # 30..39 exist but are not finalized: never asked for
    behaviour.missing, behaviour.fail_once, behaviour.slow = {FIRST + 20}, {FIRST + 5}, {FIRST + 7: 0.8}
    args = ("--network", "polkadot", "--sidecar-url", url, "--once", "--batch-blocks", "8", "--concurrency", "4")
    first = follow(chdb_path, *args, "--from-height", str(FIRST))
    assert first.returncode == 4, first.stderr  # --once stopped at the gap
    assert batch_lines(first.stderr) == [
        ("heights 1248128-1248135", f"8 blocks, {recorded_events(FIRST, FIRST + 7)} events, 36 transfers"),
        ("heights 1248136-1248143", f"8 blocks, {recorded_events(FIRST + 8, FIRST + 15)} events, 37 transfers"),
        ("heights 1248144-1248147", f"4 blocks, {recorded_events(FIRST + 16, FIRST + 19)} events, 11 transfers"),
    ], first.stderr
    assert f"{url}/blocks/{FIRST + 5}: HTTP 500; retry 1/3" in first.stderr
    assert f"height {FIRST + 20} is missing from the source (head {FIRST + 29})" in first.stderr
    assert max(behaviour.requests) <= FIRST + 29 and behaviour.requests[FIRST + 5] == 2
    assert query(chdb_path, f"select count(), min(block_height), max(block_height) from {RAW}.blocks") == [
        (20, FIRST, FIRST + 19)]
    assert query(chdb_path, f"select argMax(next_height, checkpoint_id), argMax(status, checkpoint_id) "
                            f"from {RAW}.follow_checkpoints") == [(FIRST + 20, "gap")]

    behaviour.missing, behaviour.head = set(), FIRST + 39  # the node has the block now; the chain finalized more
    second = follow(chdb_path, *args)
    assert second.returncode == EXIT_OK, second.stderr
    assert [what for what, _ in batch_lines(second.stderr)] == [
        "heights 1248148-1248155", "heights 1248156-1248163", "heights 1248164-1248167"], second.stderr
    assert f"caught up (lag 0 blocks (head {FIRST + 39}))" in second.stderr
    assert query(chdb_path, f"select count(), sum(event_count), uniqExact(block_height) from {RAW}.blocks") == [
        (40, recorded_events(FIRST, FIRST + 39), 40)]
    assert query(chdb_path, f"select count() from {RAW}.quarantine") == [(0,)]
    # The same 203 transfers as the canonical NDJSON these responses were made from.
    assert query(chdb_path, "select count() from substrate_flows.balance_transfers") == [(203,)]


@pytest.mark.slow
def test_follow_exits_non_zero_naming_a_height_that_keeps_failing(sidecar: tuple[str, Behaviour],
                                                                  chdb_path: Path) -> None:
    url, behaviour = sidecar
    behaviour.fail_always = {FIRST}
    done = follow(chdb_path, "--network", "polkadot", "--sidecar-url", url, "--once", "--from-height", str(FIRST),
                  "--retries", "2")
    assert done.returncode == EXIT_FAILED, done.stderr
    assert f"FAILED: {url}/blocks/{FIRST}: HTTP 500 (gave up after 3 attempts)" in done.stderr
    assert behaviour.requests[FIRST] == 3
    assert query(chdb_path, f"select count() from {RAW}.follow_checkpoints") == [(0,)]
