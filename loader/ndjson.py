"""Canonical NDJSON files (plain, .gz, .zst): cut into batches of whole lines, landed by the engine.

Python only decompresses and cuts at newlines; parsing and checking happen in ClickHouse
(loader/staging.py). Memory stays bounded by the batch size whatever
the file size.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import zstandard

from loader.batch import LineBatch, LoadSummary
from loader.batch_files import BatchFiles, batch_folder
from loader.landing import Landing

DEFAULT_BATCH_BYTES = 48 << 20
FILE_PIECE_BYTES = 4 << 20  # read and written at a time when a batch goes to files
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
    """Batches of whole lines, numbered from 1 across the file: in memory, or (`to_files`, chDB) in
    temporary files written piece by piece, so a batch never sits in memory whole."""
    lines = _Lines(stream, on_read)
    first_line = 1
    while batch := (lines.to_files if to_files else lines.in_memory)(batch_bytes, source, first_line):
        yield batch
        first_line += batch.line_count


class _Lines:
    """A stream read in pieces and handed on in runs of whole lines (a missing last line end added)."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[], None] | None):
        self.stream = stream
        self.on_read = on_read
        self.pending = b""  # read, not handed on yet: the start of a line
        self.at_start = True
        self.ended = False

    def _read(self, size: int) -> None:
        piece = _read_up_to(self.stream, size)
        if self.at_start:  # a byte-order mark is not part of the first line
            piece, self.at_start = piece.removeprefix(UTF8_BOM), False
        if self.on_read:
            self.on_read()
        if piece:
            self.pending += piece
            return
        self.ended = True
        if self.pending and not self.pending.endswith(b"\n"):
            self.pending += b"\n"

    def take(self, size: int, at_least_one: bool) -> bytes:
        """The whole lines that fit in `size` bytes (with `at_least_one`, the next line even if it is
        longer); b"" when none does or the stream has ended."""
        while not self.ended and (len(self.pending) < size or (at_least_one and b"\n" not in self.pending)):
            self._read(max(size - len(self.pending), len(self.pending), 1 << 16))  # a long line: doubling reads
        end = max(size, self.pending.find(b"\n") + 1) if at_least_one else size
        cut = self.pending.rfind(b"\n", 0, end) + 1
        lines, self.pending = self.pending[:cut], self.pending[cut:]
        return lines

    def in_memory(self, batch_bytes: int, source: str, first_line: int) -> LineBatch | None:
        payload = self.take(batch_bytes, at_least_one=True)
        return LineBatch(payload, source, first_line, line_count=payload.count(b"\n")) if payload else None

    def to_files(self, batch_bytes: int, source: str, first_line: int) -> LineBatch | None:
        """The lines `in_memory` would batch, in two files split near the middle (the engine parses
        them side by side), written in pieces of FILE_PIECE_BYTES."""
        folder = batch_folder()
        size, counts = 0, [0, 0]
        try:
            for number, limit in enumerate((max(batch_bytes // 2, 1), batch_bytes)):
                with open(os.path.join(folder, f"{number}.ndjson"), "wb") as out:
                    while (room := limit - size) > 0:
                        piece = self.take(min(FILE_PIECE_BYTES, room), at_least_one=size == 0)
                        if not piece and room > FILE_PIECE_BYTES:  # a line longer than a piece may still fit
                            piece = self.take(room, at_least_one=False)
                        if not piece:
                            break
                        out.write(piece)
                        size += len(piece)
                        counts[number] += piece.count(b"\n")
        except BaseException:  # e.g. a corrupt compressed file: the caller names the lines not loaded
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not size:
            shutil.rmtree(folder, ignore_errors=True)
            return None
        if not counts[1]:
            os.remove(os.path.join(folder, "1.ndjson"))
        return LineBatch(b"", source, first_line, file=BatchFiles(folder, counts[0]), size=size,
                         line_count=sum(counts))


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

