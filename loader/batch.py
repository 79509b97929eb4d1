"""What every input format hands to the landing (`LineBatch`) and what landing reports (`LoadSummary`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from loader.batch_files import BatchFiles


@dataclass
class LoadSummary:
    """What one or more batches did; `add` merges batches."""

    blocks: int = 0  # landed: new blocks plus replaced ones
    extrinsics: int = 0
    events: int = 0
    skipped: int = 0  # already loaded with the same hash, or repeated in the input
    replaced: int = 0
    quarantined: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    load_ids: list[int] = field(default_factory=list)
    quarantined_whole: list[str] = field(default_factory=list)  # inputs (files, responses) refused whole: why

    def add(self, other: LoadSummary) -> None:
        for name in ("blocks", "extrinsics", "events", "skipped", "replaced", "quarantined", "bytes_read", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.load_ids.extend(other.load_ids)
        self.quarantined_whole.extend(other.quarantined_whole)

    def line(self) -> str:
        rate = self.events / self.seconds if self.seconds else 0.0
        return (
            f"{self.blocks} blocks, {self.extrinsics} extrinsics, {self.events} events loaded; "
            f"{self.skipped} skipped (already loaded), {self.replaced} replaced (hash changed), "
            f"{self.quarantined} quarantined; {self.seconds:.1f} s, {rate:,.0f} events/s"
        )


@dataclass
class LineBatch:
    """Lines to stage. `payload` is raw NDJSON (`numbered` False, chDB only: the engine numbers
    the lines from `first_line`) or TabSeparated rows of line_columns.sql (`numbered` True)."""

    payload: bytes
    source: str
    first_line: int = 1
    numbered: bool = False
    text_of: Callable[[int], str] | None = None  # a line's text by number (default: from payload)
    fill: Callable[[str], None] | None = None  # fills the stage itself (a table copied engine-side)
    file: BatchFiles | None = None  # temporary files holding the lines (chDB), removed after landing
    size: int = 0  # bytes of input the batch stands for
    line_count: int = 0  # lines in the batch, when known
    first_location: str = ""  # where the batch starts and ends, for messages (default: source:line)
    last_location: str = ""
    _lines: list[bytes] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.size = self.size or len(self.payload)

    @property
    def start(self) -> str:
        return self.first_location or f"{self.source}:{self.first_line}"

    @property
    def end(self) -> str:
        lines = self.line_count or self.payload.count(b"\n")
        return self.last_location or f"{self.source}:{self.first_line + max(lines, 1) - 1}"

    def line_text(self, line_no: int) -> str:
        if self.text_of:
            return self.text_of(line_no)
        if self._lines is None:
            self._lines = (self.file.read() if self.file else self.payload).split(b"\n")
        return self._lines[line_no - self.first_line].decode("utf-8", "replace")


def _tsv(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def tsv_row(line_no: int, source: str, location: str, line: str, original: str, exact: bool) -> str:
    return f"{line_no}\t{_tsv(source)}\t{_tsv(location)}\t{_tsv(line)}\t{_tsv(original)}\t{int(exact)}\n"


def number_lines(payload: bytes, source: str, first_line: int) -> bytes:
    """Raw NDJSON lines as TabSeparated rows of line_columns.sql (for a server, which numbers nothing)."""
    escaped = payload.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\r", b"\\r")
    lines = escaped.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    src = _tsv(source).encode()
    return b"".join(
        b"%d\t%s\t%s:%d\t%s\t\t0\n" % (n, src, src, n, line) for n, line in enumerate(lines, first_line)
    )
