"""Canonical NDJSON files (plain, .gz, .zst): cut into batches of whole lines, landed by the engine.

Python only decompresses and cuts at newlines; parsing and checking happen in ClickHouse
(landing.PARSED_FILL, or STAGE_FILL line by line). Memory stays bounded by the batch size whatever
the file size.
"""

from __future__ import annotations

import gzip
import io
import json
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import zstandard

from loader.landing import Landing, LineBatch, LoadSummary, write_batch_files

DEFAULT_BATCH_BYTES = 48 << 20
SNIFF_LINES = 50
UTF8_BOM = b"\xef\xbb\xbf"


class NotABlockStream(ValueError):
    pass


def open_stream(path: Path) -> BinaryIO:
    """The decompressed bytes of a file, by extension."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return decompressing(path, path.open("rb"))


def decompressing(path: Path, raw: BinaryIO) -> BinaryIO:
    if path.name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if path.name.endswith(".zst"):
        return zstandard.ZstdDecompressor().stream_reader(raw, closefd=True, read_across_frames=True)  # type: ignore[return-value]
    return raw


def batches(stream: BinaryIO, source: str, batch_bytes: int, to_files: bool,
            on_read: Callable[[], None] | None = None) -> Iterator[LineBatch]:
    """Batches of whole lines, numbered from 1 across the file. With `to_files` (chDB) each batch
    goes straight into temporary files, so only the chunk being cut is in memory."""
    first_line, rest = 1, b""
    at_start = True
    while True:
        chunk = _read_up_to(stream, batch_bytes)
        if at_start:  # a byte-order mark is not part of the first line
            chunk, at_start = chunk.removeprefix(UTF8_BOM), False
        if on_read:
            on_read()
        if not chunk:
            break
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:  # no line ends in this chunk: keep reading until one does
            rest += chunk
            continue
        lines = rest.count(b"\n") + chunk.count(b"\n", 0, cut)
        yield _batch(rest, chunk, cut, source, first_line, lines, to_files)
        rest = chunk[cut:]
        del chunk
        first_line += lines
    if rest:
        yield _batch(b"", rest + b"\n", len(rest) + 1, source, first_line, 1, to_files)


def _batch(head: bytes, chunk: bytes, end: int, source: str, first_line: int, lines: int, to_file: bool) -> LineBatch:
    """The batch `head + chunk[:end]`."""
    size = len(head) + end
    if to_file:
        return LineBatch(b"", source, first_line, file=write_batch_files(head, chunk, end), size=size, line_count=lines)
    return LineBatch(head + chunk[:end], source, first_line, line_count=lines)


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """`size` bytes, or fewer at the end: decompressors may return short reads."""
    parts, wanted = [], size
    while wanted > 0 and (part := stream.read(wanted)):
        parts.append(part)
        wanted -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def prefetched(items: Iterator[LineBatch]) -> Iterator[LineBatch]:
    """The batches, read one ahead in a thread: the engine releases the GIL, so reading (and
    decompressing) the next batch overlaps landing this one."""
    ready: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for batch in items:
                ready.put(batch)
                if stop.is_set():
                    return
            ready.put(end)
        except BaseException as error:  # handed to the consumer, which re-raises it
            ready.put(error)

    worker = threading.Thread(target=produce, name="ndjson-prefetch", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive() or not ready.empty():  # let the reader finish; drop its files
            try:
                item = ready.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(item, LineBatch) and item.file:
                item.file.remove()


def sniff(path: Path) -> None:
    """Refuse a file none of whose first lines is a block: it is not a block stream at all."""
    seen = 0
    try:
        with open_stream(path) as stream:
            reader = io.BufferedReader(stream)  # type: ignore[arg-type]
            while seen < SNIFF_LINES and (line := reader.readline()):
                if not line.strip():
                    continue
                seen += 1
                try:
                    value = json.loads(line.removeprefix(UTF8_BOM))
                except ValueError:
                    continue
                if isinstance(value, dict) and "block_height" in value:
                    return
    except (OSError, EOFError, zstandard.ZstdError):
        return  # unreadable compressed data: the load itself quarantines it with the line it stopped at
    if seen:
        raise NotABlockStream(
            f"{path}: not a block stream: none of its first {seen} lines is a JSON object with block_height "
            "(canonical NDJSON: one block per line, see README 'Loading blocks')"
        )


def load_ndjson_file(landing: Landing, path: Path, batch_bytes: int = DEFAULT_BATCH_BYTES,
                     progress: Callable[[int], None] | None = None) -> LoadSummary:
    summary = LoadSummary()
    source = str(path)
    try:
        sniff(path)
    except NotABlockStream as error:
        with open_stream(path) as stream:
            head = stream.read(4096).decode("utf-8", "replace")
        summary.quarantined += landing.quarantine_texts([(source, source, head, str(error))])
        raise
    batches_seen, next_line = 0, 1
    with path.open("rb") as raw_file:
        position = 0

        def on_read() -> None:
            nonlocal position
            if progress:
                now = raw_file.tell()
                progress(now - position)
                position = now

        stream = decompressing(path, raw_file)
        try:
            for batch in prefetched(batches(stream, source, batch_bytes, landing.embedded, on_read)):
                batches_seen += 1
                summary.add(landing.land(batch))
                next_line = batch.first_line + batch.line_count
        except (OSError, EOFError, zstandard.ZstdError) as error:
            # A corrupt or truncated compressed file: what was read is loaded; the rest is named.
            reason = f"{path}: could not read from line {next_line} on: {error}"
            summary.quarantined += landing.quarantine_texts([(source, f"{source}:{next_line}", "", reason)])
    if batches_seen == 0:
        summary.quarantined += landing.quarantine_texts([(source, source, "", "empty file: no blocks")])
    return summary

