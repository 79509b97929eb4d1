"""Temporary files holding a batch's lines, for the embedded engine's file() to read."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PREFIX = "substrate-loader-"


@dataclass
class BatchFiles:
    """A batch's lines in two files of a temporary folder, 0.ndjson and 1.ndjson, split at a line
    end near the middle: the engine reads them in parallel, one per core."""

    folder: str
    second_first: int  # lines in 0.ndjson: the first line of 1.ndjson is this many lines further

    @property
    def glob(self) -> str:
        return os.path.join(self.folder, "*.ndjson")

    def read(self) -> bytes:
        return b"".join(path.read_bytes() for path in sorted(Path(self.folder).glob("*.ndjson")))

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def batch_folder() -> str:
    """A new temporary folder for a batch's files."""
    return tempfile.mkdtemp(prefix=PREFIX)


def write_batch_files(payload: bytes) -> BatchFiles:
    """Lines already in memory (ending with a line end) in two files split at a line end near the middle."""
    folder = batch_folder()
    end = len(payload)
    middle = payload.find(b"\n", end // 2, end) + 1
    whole = not 0 < middle < end
    with open(os.path.join(folder, "0.ndjson"), "wb") as out:
        out.write(memoryview(payload)[:end if whole else middle])
    if not whole:
        with open(os.path.join(folder, "1.ndjson"), "wb") as out:
            out.write(memoryview(payload)[middle:])
    return BatchFiles(folder, payload.count(b"\n", 0, middle))


@contextmanager
def temp_file(payload: bytes) -> Iterator[str]:
    """The path of a temporary file holding `payload`, removed afterwards."""
    handle, path = tempfile.mkstemp(prefix=PREFIX, suffix=".batch")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        yield path
    finally:
        Path(path).unlink(missing_ok=True)
