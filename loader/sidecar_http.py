"""A Substrate API Sidecar endpoint over HTTP: the finalized head and `/blocks/{n}`, several requests
in flight (a small thread pool; the standard library only).

Transient failures (5xx, 429, refused or reset connections, timeouts) are retried with
exponential backoff; a 404 is an answer, not a failure: the node does not have that block.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPException

_NUMBER = re.compile(rb'"number"\s*:\s*"?([0-9]+)')
_MAX_BACKOFF = 30.0


class SidecarError(RuntimeError):
    """The endpoint failed for good (after retries) or answered something that is not a block."""

    def __init__(self, height: int | None, message: str):
        super().__init__(message)
        self.height = height


@dataclass
class Fetched:
    """Bodies of the heights asked for, contiguous from the first; where and why it stopped early."""

    bodies: list[tuple[int, str, str]] = field(default_factory=list)  # (height, url, JSON text)
    missing: int | None = None  # the node answered 404 for this height
    failed: SidecarError | None = None  # still failing after retries


class SidecarClient:
    def __init__(self, url: str, concurrency: int = 4, retries: int = 3, retry_delay: float = 0.5,
                 timeout: float = 30.0, on_retry: Callable[[str], None] | None = None):
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError(f"--sidecar-url must look like http://host:8080, not {url!r}")
        self.url = url.rstrip("/")
        self.retries = retries
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.on_retry = on_retry or (lambda _message: None)
        self._pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="sidecar")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def block_url(self, height: int) -> str:
        return f"{self.url}/blocks/{height}"

    def finalized_head(self) -> int:
        """The finalized head's number: nothing above it is fetched, so no reorged block is indexed."""
        url = f"{self.url}/blocks/head?finalized=true"
        status, body = self._get(url)
        if status != 200:
            raise SidecarError(None, f"{url}: HTTP {status}")
        try:
            return int(json.loads(body)["number"])
        except (ValueError, KeyError, TypeError) as error:
            raise SidecarError(None, f"{url}: no block number in the answer ({error})") from error

    def fetch(self, low: int, high: int) -> Fetched:
        """Blocks low..high, in order, stopping at the first missing (404) or failing height."""
        futures: list[tuple[int, Future[tuple[int, bytes]]]] = [
            (height, self._pool.submit(self._get, self.block_url(height))) for height in range(low, high + 1)
        ]
        fetched = Fetched()
        try:
            for height, future in futures:
                url = self.block_url(height)
                try:
                    status, body = future.result()
                except SidecarError as error:
                    fetched.failed = error
                    break
                if status == 404:
                    fetched.missing = height
                    break
                number = _NUMBER.search(body[:4096])
                if status != 200 or not number or int(number.group(1)) != height:
                    what = f"HTTP {status}" if status != 200 else "an answer that is not this block"
                    fetched.failed = SidecarError(height, f"{url}: {what}: {body[:200]!r}")
                    break
                fetched.bodies.append((height, url, body.decode("utf-8", "replace")))
        finally:
            for _height, future in futures:  # what was not started yet is not needed any more
                future.cancel()
        return fetched

    def _get(self, url: str) -> tuple[int, bytes]:
        """(status, body) of a GET: 200 or 404 (or another final 4xx); transient failures retried."""
        attempt = 0
        while True:
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/json"})
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return answer.status, answer.read()
            except urllib.error.HTTPError as error:
                body = error.read()
                if error.code < 500 and error.code != 429:
                    return error.code, body
                problem = f"HTTP {error.code}"
            except (urllib.error.URLError, HTTPException, OSError) as error:  # refused, reset, timed out
                problem = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
            attempt += 1
            if attempt > self.retries:
                raise SidecarError(_height_of(url), f"{url}: {problem} (gave up after {attempt} attempts)")
            delay = min(self.retry_delay * 2 ** (attempt - 1), _MAX_BACKOFF)
            self.on_retry(f"{url}: {problem}; retry {attempt}/{self.retries} in {delay:.1f} s")
            time.sleep(delay)


def _height_of(url: str) -> int | None:
    tail = url.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None
