"""Canonical NDJSON files (plain, .gz, .zst): cut into batches of whole lines, landed by the engine.

Python only decompresses and cuts at newlines; parsing and checking happen in ClickHouse
(loader/staging.py). Memory stays bounded by the batch size whatever the file size.
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

from loader.batch import LineBatch, LoadSummary
from loader.batch_files import BatchFiles, batch_folder
from loader.compressed import READ_ERRORS, decompressing, open_stream, read_up_to
from loader.landing import Landing

DEFAULT_BATCH_BYTES = 48 << 20
FILE_PIECE_BYTES = 4 << 20  # read and written at a time when a batch goes to files
SNIFF_LINES = 50
UTF8_BOM = b"\xef\xbb\xbf"


class NotABlockStream(ValueError):
    pass


class UnreadableRest(Exception):
    """A file unreadable from `line` on (cut short or corrupt): every line before it was read."""

    def __init__(self, line: int, tail: bytes, error: Exception):
        super().__init__(f"unreadable from line {line} on: {error}")
        self.line = line
        self.tail = tail  # the bytes of `line` read before the error
        self.error = error


def batches(stream: BinaryIO, source: str, batch_bytes: int, to_files: bool,
            on_read: Callable[[], None] | None = None) -> Iterator[LineBatch]:
    """Batches of whole lines, numbered from 1 across the file: in memory, or (`to_files`, chDB) in
    temporary files written piece by piece, so a batch never sits in memory whole. A read error
    ends the batches at the last whole line before it and is raised as UnreadableRest."""
    lines = _Lines(stream, on_read)
    first_line = 1
    while batch := (lines.to_files if to_files else lines.in_memory)(batch_bytes, source, first_line):
        yield batch
        first_line += batch.line_count
    if lines.error is not None:
        raise UnreadableRest(first_line, lines.pending, lines.error)


class _Lines:
    """A stream read in pieces and handed on in runs of whole lines (a missing last line end added,
    unless a read error ended the stream: then that line is cut short and stays `pending`)."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[], None] | None):
        self.stream = stream
        self.on_read = on_read
        self.pending = b""  # read, not handed on yet: the start of a line
        self.at_start = True
        self.ended = False
        self.error: Exception | None = None

    def _read(self, size: int) -> None:
        piece, self.error = read_up_to(self.stream, size)
        if self.at_start:  # a byte-order mark is not part of the first line
            piece, self.at_start = piece.removeprefix(UTF8_BOM), False
        if self.on_read:
            self.on_read()
        self.pending += piece
        if piece and self.error is None:
            return
        self.ended = True
        if self.error is None and self.pending and not self.pending.endswith(b"\n"):
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
        except BaseException:  # a full disk, a signal: no batch files are left behind
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if not size:
            shutil.rmtree(folder, ignore_errors=True)
            return None
        if not counts[1]:
            os.remove(os.path.join(folder, "1.ndjson"))
        return LineBatch(b"", source, first_line, file=BatchFiles(folder, counts[0]), size=size,
                         line_count=sum(counts))


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
    item: object = None
    try:
        while (item := ready.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        if isinstance(item, LineBatch) and item.file:  # stopped before it could land: its files go
            item.file.remove()
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
    except READ_ERRORS:
        return  # unreadable data: the load itself quarantines it with the line it stopped at
    if seen:
        raise NotABlockStream(
            f"not a block stream: none of its first {seen} lines is a JSON object with block_height "
            "(canonical NDJSON: one block per line, see docs/loading.md)"
        )


def load_ndjson_file(landing: Landing, path: Path, batch_bytes: int = DEFAULT_BATCH_BYTES,
                     progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Land a file's blocks. A file that is not a block stream, or cannot be opened, is quarantined
    as a whole; one unreadable from some line on lands every line before it and quarantines the rest."""
    summary = LoadSummary()
    source = str(path)
    try:
        sniff(path)
        raw_file = path.open("rb")
    except (NotABlockStream, OSError) as error:
        reason = f"{path}: {error.strerror if isinstance(error, OSError) else error}"
        summary.quarantined += landing.quarantine_texts([(source, source, _head(path), reason)])
        summary.quarantined_whole.append(reason)
        return summary
    with raw_file:
        position = 0

        def on_read() -> None:
            nonlocal position
            if progress:
                now = raw_file.tell()
                progress(now - position)
                position = now

        incoming = prefetched(batches(decompressing(path, raw_file), source, batch_bytes, landing.embedded, on_read))
        try:
            with closing(incoming):  # a stop or an error: the batches read ahead are dropped right away
                for batch in incoming:
                    summary.add(landing.land(batch))
        except UnreadableRest as rest:
            reason = (f"{path}: cut short or corrupt from line {rest.line} on ({rest.error}): the lines before it "
                      f"are loaded; raw_text holds what could be read of line {rest.line}")
            summary.quarantined += landing.quarantine_texts(
                [(source, f"{source}:{rest.line}", rest.tail.decode("utf-8", "replace"), reason)])
            return summary
    if not summary.load_ids:
        summary.quarantined += landing.quarantine_texts([(source, source, "", "empty file: no blocks")])
    return summary


def _head(path: Path) -> str:
    """The start of a file refused as a whole, as its raw_text ('' if it cannot be read at all)."""
    try:
        with open_stream(path) as stream:
            return read_up_to(stream, 4096)[0].decode("utf-8", "replace")
    except OSError:
        return ""
