"""A JSON-RPC client for a Substrate node: ws:// and wss:// (one connection, many requests in
flight) or http:// and https:// (one POST per request, from a thread).

A dropped connection, a refused one or a request that times out is retried with exponential backoff
after reconnecting (every call is a read, so sending it again is safe); after `retries` attempts the
call fails with `NodeUnavailable`. An error the node answers (`{"error": ...}`) is no transport
failure: it is raised at once as `RpcError`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from http.client import HTTPException
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

MAX_BACKOFF = 30.0
_URL = re.compile(r"^(wss?|https?)://[^/\s]+")


class NodeUnavailable(ConnectionError):
    """The node could not be reached, or kept dropping the connection, for all retries."""


class RpcError(RuntimeError):
    """The node answered a request with an error."""

    def __init__(self, method: str, error: Any):
        message = error.get("message", error) if isinstance(error, dict) else error
        super().__init__(f"{method}: {message}")
        self.message = str(message)


def check_url(url: str) -> str:
    if not _URL.match(url):
        raise ValueError(f"--node must look like ws://host:9944, wss://…, http://… or https://…, not {url!r}")
    return url


class RpcClient:
    def __init__(self, url: str, retries: int = 5, retry_delay: float = 0.5, timeout: float = 60.0,
                 on_retry: Callable[[str], None] | None = None):
        self.url = check_url(url)
        self.retries = retries
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.on_retry = on_retry or (lambda _message: None)
        self._ids = itertools.count(1)
        self._websocket = url.startswith("ws")
        self._connection: ClientConnection | None = None
        self._connecting = asyncio.Lock()
        self._readers: set[asyncio.Task[None]] = set()
        self._pending: dict[int, tuple[ClientConnection, asyncio.Future[dict[str, Any]]]] = {}

    async def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        """The result of one request; transport failures retried, node errors raised."""
        attempt = 0
        while True:
            connection = None
            try:
                if self._websocket:
                    connection = await asyncio.wait_for(self._connect(), self.timeout)
                answer = await asyncio.wait_for(self._send(connection, method, list(params)), self.timeout)
                break
            except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, HTTPException,
                    asyncio.TimeoutError) as error:
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            await self._drop(connection)
            attempt += 1
            if attempt > self.retries:
                raise NodeUnavailable(f"node {self.url} unavailable: {problem} (gave up after {attempt} attempts)")
            delay = min(self.retry_delay * 2 ** (attempt - 1), MAX_BACKOFF)
            self.on_retry(f"node {self.url}: {problem}; retry {attempt}/{self.retries} in {delay:.1f} s")
            await asyncio.sleep(delay)
        if "error" in answer:
            raise RpcError(method, answer["error"])
        return answer.get("result")

    async def close(self) -> None:
        await self._drop(self._connection)

    # ----- transports --------------------------------------------------------------------------

    async def _send(self, connection: ClientConnection | None, method: str, params: list[Any]) -> dict[str, Any]:
        ident = next(self._ids)
        payload = json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        if connection is None:
            return await asyncio.to_thread(self._post, payload)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ident] = (connection, future)
        try:
            await connection.send(payload)
            return await future
        finally:
            self._pending.pop(ident, None)

    def _post(self, payload: str) -> dict[str, Any]:
        request = urllib.request.Request(self.url, data=payload.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code == 429:
                raise OSError(f"HTTP {error.code}") from error
            body = error.read()
            try:
                return dict(json.loads(body))
            except ValueError:
                return {"error": {"message": f"HTTP {error.code}: {body[:200]!r}"}}
        except urllib.error.URLError as error:
            raise OSError(str(error.reason)) from error

    async def _connect(self) -> ClientConnection:
        async with self._connecting:
            if self._connection is None:
                self._connection = await websockets.connect(self.url, max_size=None, compression=None,
                                                            open_timeout=self.timeout, ping_interval=None)
                self._readers.add(asyncio.create_task(self._read(self._connection)))
            return self._connection

    async def _read(self, connection: ClientConnection) -> None:
        """Hands each answer to its request; a lost connection fails every request still waiting."""
        try:
            async for message in connection:
                answer = json.loads(message)
                waiting = self._pending.get(answer.get("id")) if isinstance(answer, dict) else None
                if waiting and not waiting[1].done():
                    waiting[1].set_result(answer)
        except (websockets.ConnectionClosed, OSError):
            pass
        finally:
            lost = websockets.ConnectionClosed(None, None)
            for owner, future in list(self._pending.values()):
                if owner is connection and not future.done():
                    future.set_exception(lost)
            if self._connection is connection:
                self._connection = None
            self._readers.discard(asyncio.current_task())  # type: ignore[arg-type]

    async def _drop(self, connection: ClientConnection | None) -> None:
        """Closes this connection (once: concurrent failures of one connection reconnect once)."""
        if connection is None:
            return
        if self._connection is connection:
            self._connection = None
        await connection.close()
