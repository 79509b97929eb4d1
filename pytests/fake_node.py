"""A fake Substrate node for tests and benchmarks: JSON-RPC over WebSocket and HTTP on 127.0.0.1,
answering only from the recorded Polkadot blocks in data/node_rpc/ (see data/node_rpc/README.md).

The recordings hold each block's `chain_getBlock` body in polkadot-js JSON, its `System.Events`
storage and the metadata of its runtime. The node answers in a real node's wire format: header
numbers as hex, digest items SCALE-encoded, block hashes blake2b-256 of the SCALE header. Runtime
version and metadata are answered at a block's hash and at its parent's hash (the client libraries
ask at the parent), both with the block's own runtime. Everything else is "not found".

    with FakeNode(recorded_blocks()) as node:
        node.ws_url, node.http_url
        node.pruned.add(19772575); node.drop_after = 5; node.stop(); node.start()
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import websockets.asyncio.server as ws_server
from websockets.exceptions import ConnectionClosed

RECORDED = Path(__file__).parent / "data" / "node_rpc" / "polkadot"
EVENTS_KEY = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"  # twox128 System ++ Events
PROPERTIES = {"ss58Format": 0, "tokenDecimals": 10, "tokenSymbol": "DOT"}  # README of data/node_rpc
# The spec version is the one in each metadata file's name (`polkadotV16Metadata.ts` -> 16).
RUNTIME_FILES = {789629: "polkadotV16Metadata.ts", 18468942: "polkadotV1000001Metadata.ts",
                 19772575: "polkadotV1000001Metadata.ts"}
DIGEST_KINDS = {"Other": 0, "Consensus": 4, "Seal": 5, "PreRuntime": 6, "RuntimeEnvironmentUpdated": 8}


@dataclass(frozen=True)
class Runtime:
    spec_version: int
    metadata_hex: str

    def version(self) -> dict[str, Any]:
        return {"specName": "polkadot", "implName": "parity-polkadot", "authoringVersion": 0,
                "specVersion": self.spec_version, "implVersion": 0, "apis": [], "transactionVersion": 0,
                "stateVersion": 0}


@dataclass(frozen=True)
class Block:
    header: dict[str, Any]  # polkadot-js JSON: number an integer, digest logs as {kind: [engine, data]}
    extrinsics: tuple[str, ...]
    events_hex: str
    runtime: Runtime

    @property
    def height(self) -> int:
        return int(self.header["number"])

    @property
    def parent_hash(self) -> str:
        return str(self.header["parentHash"])

    def wire_header(self) -> dict[str, Any]:
        return {"parentHash": self.parent_hash, "number": hex(self.height), "stateRoot": self.header["stateRoot"],
                "extrinsicsRoot": self.header["extrinsicsRoot"],
                "digest": {"logs": ["0x" + item.hex() for item in digest_items(self.header)]}}

    def hash(self) -> str:
        return "0x" + hashlib.blake2b(header_bytes(self.header), digest_size=32).hexdigest()


def ts_hex(path: Path) -> str:
    """The one hex string constant a recorded .ts file exports."""
    found = re.search(r"'(0x[0-9a-fA-F]*)'", path.read_text())
    if not found:
        raise ValueError(f"{path}: no hex string constant")
    return found.group(1)


def recorded_blocks(folder: Path = RECORDED) -> list[Block]:
    """The three recorded blocks, each with its runtime."""
    runtimes: dict[str, Runtime] = {}
    blocks = []
    for height, metadata_file in RUNTIME_FILES.items():
        if metadata_file not in runtimes:
            spec = int(re.search(r"V(\d+)Metadata", metadata_file).group(1))  # type: ignore[union-attr]
            runtimes[metadata_file] = Runtime(spec, ts_hex(folder / metadata_file))
        body = json.loads((folder / f"block{height}.json").read_text())
        blocks.append(Block(body["header"], tuple(body["extrinsics"]), ts_hex(folder / f"events{height}Hex.ts"),
                            runtimes[metadata_file]))
    return blocks


def replayed_chain(templates: Sequence[Block], first_height: int, count: int) -> list[Block]:
    """`count` copies of recorded blocks (taken in turn) at consecutive heights, each header's number and
    parent hash rewritten so that they chain: real bodies and events, for benchmarks that need many."""
    chain: list[Block] = []
    parent = templates[0].parent_hash
    for height in range(first_height, first_height + count):
        template = templates[(height - first_height) % len(templates)]
        block = replace(template, header={**template.header, "number": height, "parentHash": parent})
        parent = block.hash()
        chain.append(block)
    return chain


def compact(value: int) -> bytes:
    if value < 1 << 6:
        return bytes([value << 2])
    if value < 1 << 14:
        return ((value << 2) | 1).to_bytes(2, "little")
    if value < 1 << 30:
        return ((value << 2) | 2).to_bytes(4, "little")
    raw = value.to_bytes((value.bit_length() + 7) // 8, "little")
    return bytes([((len(raw) - 4) << 2) | 3]) + raw


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def _engine(value: int | str) -> bytes:
    # 789629's body writes the engine id as an integer: b"BABE" read big-endian.
    return value.to_bytes(4, "big") if isinstance(value, int) else _bytes(value)


def digest_items(header: dict[str, Any]) -> list[bytes]:
    items = []
    for log in header["digest"]["logs"]:
        (kind, value), = log.items()
        code = bytes([DIGEST_KINDS[kind]])
        if kind in ("Consensus", "Seal", "PreRuntime"):
            engine, data = value
            items.append(code + _engine(engine) + compact(len(_bytes(data))) + _bytes(data))
        elif kind == "Other":
            items.append(code + compact(len(_bytes(value))) + _bytes(value))
        else:
            items.append(code)
    return items


def header_bytes(header: dict[str, Any]) -> bytes:
    items = digest_items(header)
    return (_bytes(header["parentHash"]) + compact(int(header["number"])) + _bytes(header["stateRoot"])
            + _bytes(header["extrinsicsRoot"]) + compact(len(items)) + b"".join(items))


@dataclass
class Behaviour:
    """What the node does beyond answering: its finalized head, heights it has lost, failures."""

    head: int
    missing: set[int] = field(default_factory=set)  # no hash for these heights (unknown to this node)
    pruned: set[int] = field(default_factory=set)  # body known, state discarded (a non-archive node)
    drop_after: int | None = None  # close the connection once this many more requests have come
    unreachable: set[int] = field(default_factory=set)  # asking for these heights' hash closes the connection
    calls: Counter[str] = field(default_factory=Counter)
    connections: int = 0


class FakeNode:
    """The node, serving in a thread of this process until `stop()` (also a context manager)."""

    def __init__(self, blocks: Sequence[Block], head: int | None = None):
        self.blocks = {block.height: block for block in blocks}
        self.behaviour = Behaviour(head if head is not None else max(self.blocks))
        self._by_hash: dict[str, Block] = {}
        self._answers: dict[tuple[str, str], str] = {}  # (method, params JSON) -> result JSON
        for block in blocks:
            self._index(block)
        self.ws_port = _free_port()
        self.http_port = _free_port()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._http: ThreadingHTTPServer | None = None
        self._stopped: asyncio.Event | None = None
        self._lock = threading.Lock()

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def _index(self, block: Block) -> None:
        digest = block.hash()
        self._by_hash[digest] = block
        self._by_hash.setdefault(block.parent_hash, block)  # runtime queries at the parent hash
        wire = json.dumps({"block": {"header": block.wire_header(), "extrinsics": list(block.extrinsics)},
                           "justifications": None})
        self._answers[("chain_getBlock", json.dumps([digest]))] = wire
        self._answers[("chain_getHeader", json.dumps([digest]))] = json.dumps(block.wire_header())

    # ----- answers ---------------------------------------------------------------------------------

    def answer(self, method: str, params: list[Any]) -> tuple[str | None, dict[str, Any] | None]:
        """(result JSON, None) or (None, error object) for one call."""
        self.behaviour.calls[method] += 1
        cached = self._answers.get((method, json.dumps(params)))
        if cached is not None:
            return cached, None
        behaviour = self.behaviour
        head = self.blocks.get(behaviour.head)
        at = self._by_hash.get(params[-1]) if params and isinstance(params[-1], str) else None
        if method in ("chain_getFinalizedHead", "chain_getFinalisedHead", "chain_getHead") or (
                method == "chain_getBlockHash" and not params):
            return json.dumps(head.hash() if head else None), None
        if method == "chain_getBlockHash":
            height = int(params[0], 16) if isinstance(params[0], str) else int(params[0])
            block = self.blocks.get(height)
            known = block is not None and height <= behaviour.head and height not in behaviour.missing
            return json.dumps(block.hash() if known and block else None), None
        if method == "chain_getHeader" and not params and head:
            return json.dumps(head.wire_header()), None
        if method in ("state_getStorage", "state_getStorageAt"):
            if at is None or at.hash() != params[-1]:
                return None, {"code": 4003, "message": f"Client error: UnknownBlock: header not found: {params[-1]}"}
            if at.height in behaviour.pruned:
                return None, {"code": 4003, "message": f"Client error: State already discarded for {params[-1]}"}
            return json.dumps(at.events_hex if params[0] == EVENTS_KEY else None), None
        if method in ("state_getRuntimeVersion", "chain_getRuntimeVersion"):
            runtime = at.runtime if at else (head.runtime if head and not params else None)
            if runtime is None:
                return None, {"code": 4003, "message": f"Client error: UnknownBlock: {params}"}
            return json.dumps(runtime.version()), None
        if method == "state_getMetadata":
            runtime = at.runtime if at else (head.runtime if head and not params else None)
            if runtime is None:
                return None, {"code": 4003, "message": f"Client error: UnknownBlock: {params}"}
            return json.dumps(runtime.metadata_hex), None
        if method == "state_call":  # a runtime API this node's runtimes lack (metadata V15 among them)
            return None, {"code": 4003, "message": f"Client error: Execution failed: Other: Exported method {params[0]} "
                                                   "is not found"}
        if method == "system_properties":
            return json.dumps(PROPERTIES), None
        if method == "system_chain":
            return json.dumps("Polkadot"), None
        if method == "system_name":
            return json.dumps("Parity Polkadot"), None
        if method == "rpc_methods":
            return json.dumps({"methods": sorted(SUPPORTED)}), None
        return None, {"code": -32601, "message": f"Method not found: {method}"}

    def respond(self, text: str) -> str:
        request = json.loads(text)
        if isinstance(request, list):
            return "[" + ",".join(self._one(r) for r in request) + "]"
        return self._one(request)

    def _one(self, request: dict[str, Any]) -> str:
        result, error = self.answer(str(request.get("method")), list(request.get("params") or []))
        ident = json.dumps(request.get("id"))
        if error is not None:
            return f'{{"jsonrpc":"2.0","id":{ident},"error":{json.dumps(error)}}}'
        return f'{{"jsonrpc":"2.0","id":{ident},"result":{result}}}'

    def _should_drop(self, text: str) -> bool:
        """Whether to close the connection instead of answering this request."""
        request = json.loads(text)
        if isinstance(request, dict) and request.get("method") == "chain_getBlockHash" and request.get("params"):
            if int(request["params"][0]) in self.behaviour.unreachable:
                return True
        with self._lock:
            if self.behaviour.drop_after is None:
                return False
            self.behaviour.drop_after -= 1
            if self.behaviour.drop_after > 0:
                return False
            self.behaviour.drop_after = None
            return True

    # ----- serving ---------------------------------------------------------------------------------

    def start(self) -> FakeNode:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="fake-node", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake node did not start")
        self._http = ThreadingHTTPServer(("127.0.0.1", self.http_port), _http_handler(self))
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name="fake-node-http", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stops listening and closes every connection (the node is down until `start()`)."""
        if self._http:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._loop and self._stopped and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread:
            self._thread.join(10)
            self._thread = None
        self._loop = None

    def __enter__(self) -> FakeNode:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _serve(self, ready: threading.Event) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        async with ws_server.serve(self._connection, "127.0.0.1", self.ws_port, max_size=None,
                                   compression=None) as server:
            ready.set()
            await self._stopped.wait()
            server.close()

    async def _connection(self, connection: ws_server.ServerConnection) -> None:
        self.behaviour.connections += 1
        try:
            async for message in connection:
                if self._should_drop(str(message)):
                    connection.transport.abort()
                    return
                await connection.send(self.respond(str(message)))
        except ConnectionClosed:
            return


SUPPORTED = ("chain_getBlock", "chain_getBlockHash", "chain_getFinalizedHead", "chain_getHead", "chain_getHeader",
             "chain_getRuntimeVersion", "state_getMetadata", "state_getRuntimeVersion", "state_getStorage",
             "system_chain", "system_name", "system_properties", "rpc_methods")


def _http_handler(node: FakeNode) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if node._should_drop(body.decode()):
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            answer = node.respond(body.decode()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            return

    return Handler


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def heights(blocks: Iterable[Block]) -> list[int]:
    return sorted(block.height for block in blocks)
