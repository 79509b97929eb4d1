"""Reading blocks from a node: requests in flight on an event loop in a thread of their own (I/O),
decoding in worker processes (CPU), so both cores work and the caller lands meanwhile.

Per height: `chain_getBlockHash`, `chain_getBlock`, then `System.Events` at the block and the runtime
version at its parent (a block is executed, and its events encoded, by its parent's runtime). The
metadata of each spec version is fetched once and written to a temporary folder the workers read
it from (each worker decodes it once). A height the node has no hash for, a block whose state the
node has pruned, or a block that does not decode stops the read there: the blocks before it are
returned with the failure, which names the height and the reason.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from loader.node.block import BlockDecodeError, Chain, RawBlock, decode_lines
from loader.node.rpc import NodeUnavailable, RpcClient, RpcError

EVENTS_KEY = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"  # twox128 System ++ Events
DECODE_CHUNK = 8  # blocks per worker task: fewer round trips between processes
T = TypeVar("T")


class BlockUnavailable(RuntimeError):
    """A height the node cannot serve (unknown to it, or its state pruned), or a node that is gone."""

    def __init__(self, height: int, reason: str, missing: bool = False):
        super().__init__(f"height {height}: {reason}")
        self.height = height
        self.missing = missing  # the node has no block at this height (a follower waits for it)


@dataclass
class Read:
    """Canonical lines of the heights asked for, contiguous from the first; where and why it stopped."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    failed: BlockUnavailable | BlockDecodeError | None = None


def worker_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class NodeReader:
    """A node's blocks as canonical lines; `workers=0` decodes in this process (small reads)."""

    def __init__(self, url: str, concurrency: int = 16, workers: int | None = None, retries: int = 5,
                 retry_delay: float = 0.5, log: Callable[[str], None] | None = None):
        self.url = url
        self.concurrency = max(1, concurrency)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="node-reader", daemon=True)
        self._thread.start()
        self._rpc = RpcClient(url, retries, retry_delay, on_retry=log)
        self._metadata_dir = Path(tempfile.mkdtemp(prefix="substrate-loader-metadata-"))
        self._specs: dict[int, asyncio.Future[None]] = {}
        count = worker_count() if workers is None else workers
        self._pool = (ProcessPoolExecutor(count, mp_context=_worker_context(), initializer=_ignore_interrupts)
                      if count > 0 else None)
        try:
            self.chain = self._run(self._chain())
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._loop.is_running():
            self._run(self._rpc.close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        if self._pool:
            self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._metadata_dir, ignore_errors=True)

    def __enter__(self) -> NodeReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def finalized_head(self) -> int:
        """The finalized head's height: nothing above it is read, so no block that may still be
        reorganised away lands."""
        return self._run(self._finalized_head())

    def read(self, heights: Sequence[int], progress: Callable[[int], None] | None = None) -> Read:
        return self.submit(heights, progress).result()

    def submit(self, heights: Sequence[int], progress: Callable[[int], None] | None = None) -> Future[Read]:
        """The read runs on the reader's loop; the caller lands the previous read meanwhile."""
        return asyncio.run_coroutine_threadsafe(self._read(list(heights), progress), self._loop)

    # ----- on the loop ---------------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        try:
            return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()
        except RpcError as error:  # a node that does not answer what every node answers
            raise NodeUnavailable(f"node {self.url}: {error}") from error

    async def _chain(self) -> Chain:
        name = await self._rpc.call("system_chain")
        properties = await self._rpc.call("system_properties") or {}
        ss58 = properties.get("ss58Format", properties.get("SS58Prefix", 42))
        return Chain(str(name), int(ss58 if ss58 is not None else 42))

    async def _finalized_head(self) -> int:
        head = await self._rpc.call("chain_getFinalizedHead")
        header = await self._rpc.call("chain_getHeader", [head])
        if not header:
            raise NodeUnavailable(f"node {self.url}: no header for its own finalized head {head}")
        return int(header["number"], 16) if isinstance(header["number"], str) else int(header["number"])

    async def _read(self, heights: list[int], progress: Callable[[int], None] | None) -> Read:
        gate = asyncio.Semaphore(self.concurrency)
        chunks = [heights[i:i + DECODE_CHUNK] for i in range(0, len(heights), DECODE_CHUNK)]
        tasks = [asyncio.ensure_future(self._chunk(chunk, gate, progress)) for chunk in chunks]
        read = Read()
        try:
            for task in tasks:
                lines, failed = await task
                read.lines.extend(lines)
                if failed is not None:
                    read.failed = failed
                    break
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return read

    async def _chunk(self, heights: list[int], gate: asyncio.Semaphore, progress: Callable[[int], None] | None
                     ) -> tuple[list[tuple[int, str]], BlockUnavailable | BlockDecodeError | None]:
        raws: list[RawBlock] = []
        failed: BlockUnavailable | BlockDecodeError | None = None
        results = await asyncio.gather(*(self._raw(height, gate) for height in heights), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                if not isinstance(result, BlockUnavailable):
                    raise result
                failed = result
                break
            raws.append(result)
        lines: list[tuple[int, str]] = []
        if raws:
            loop = asyncio.get_running_loop()
            decoded, bad = await loop.run_in_executor(self._pool, decode_lines, self.chain, str(self._metadata_dir),
                                                      raws)
            lines = list(zip([raw.height for raw in raws], decoded, strict=False))
            if bad is not None:
                failed = BlockDecodeError(*bad)
        if progress and lines:
            progress(len(lines))
        return lines, failed

    async def _raw(self, height: int, gate: asyncio.Semaphore) -> RawBlock:
        async with gate:
            try:
                return await self._fetch(height)
            except RpcError as error:
                raise BlockUnavailable(height, f"the node answered an error: {error}") from error
            except NodeUnavailable as error:
                raise BlockUnavailable(height, str(error)) from error
            except (KeyError, TypeError, ValueError) as error:  # an answer that is not what a node sends
                raise BlockUnavailable(height, f"unexpected answer from the node: {type(error).__name__}: {error}"
                                       ) from error

    async def _fetch(self, height: int) -> RawBlock:
        digest = await self._rpc.call("chain_getBlockHash", [height])
        if not digest:
            raise BlockUnavailable(height, "the node has no block at this height", missing=True)
        body = await self._rpc.call("chain_getBlock", [digest])
        if not body:
            raise BlockUnavailable(height, f"the node has no body for block {digest}", missing=True)
        header = body["block"]["header"]
        number = int(header["number"], 16) if isinstance(header["number"], str) else int(header["number"])
        if number != height:
            raise BlockUnavailable(height, f"the node answered block {number} for block hash {digest}")
        parent = header["parentHash"]
        events, version = await asyncio.gather(self._rpc.call("state_getStorage", [EVENTS_KEY, digest]),
                                               self._rpc.call("state_getRuntimeVersion", [parent]),
                                               return_exceptions=True)
        for answer in (events, version):
            if isinstance(answer, RpcError):
                raise BlockUnavailable(height, f"the node cannot serve the block's state ({answer.message}); a "
                                               "pruning node keeps recent state only: use an archive node")
            if isinstance(answer, BaseException):
                raise answer
        spec = int(version["specVersion"])
        await self._metadata(spec, parent)
        return RawBlock(height, str(digest), tuple(body["block"]["extrinsics"]), events, spec)

    async def _metadata(self, spec: int, at: str) -> None:
        """Fetches the metadata of a spec version once, for every block of that runtime."""
        pending = self._specs.get(spec)
        if pending is None:
            pending = self._specs[spec] = asyncio.get_running_loop().create_future()
            try:
                metadata = await self._rpc.call("state_getMetadata", [at])
                (self._metadata_dir / f"{spec}.hex").write_text(str(metadata))
                pending.set_result(None)
            except BaseException as error:
                del self._specs[spec]
                pending.set_exception(error)
                pending.exception()  # retrieved: the caller gets the error itself
                raise
        await pending


def _ignore_interrupts() -> None:
    """A Ctrl-C reaches the whole process group: the reader's owner decides, the workers go on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_context() -> Any:
    """Workers started fresh (never forked from this process, which runs threads and the engine);
    they are this process's children, so its CPU time includes theirs."""
    return multiprocessing.get_context("spawn")
