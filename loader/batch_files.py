"""Temporary files holding a batch's lines, for the embedded engine's file() to read.

Their names carry the loader's pid (substrate-loader-PID-...), so the files a loader killed with
SIGKILL left behind can be told from those of loaders still running, and removed.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loader.processes import is_running

PREFIX = "substrate-loader-"
_OWNER = re.compile(rf"^{PREFIX}(\d+)-")


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
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")


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
    handle, path = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=".batch")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        yield path
    finally:
        Path(path).unlink(missing_ok=True)


def remove_stale_batch_files(log: Callable[[str], None]) -> int:
    """Remove the batch files and folders of loaders that no longer run; returns how many."""
    folder = Path(tempfile.gettempdir())
    removed, size = 0, 0
    for entry in folder.iterdir():
        owner = _OWNER.match(entry.name)
        if owner is None or is_running(int(owner.group(1))):
            continue
        try:  # another loader may be removing the same leftovers
            files = [entry] if entry.is_file() else [f for f in entry.rglob("*") if f.is_file()]
            size += sum(f.stat().st_size for f in files)
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    if removed:
        log(f"removed {removed} batch folder(s) or file(s) ({size / 1e6:.1f} MB) that stopped loaders left in {folder}")
    return removed
