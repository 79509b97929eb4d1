"""Reading input files plain, gzip- or zstd-compressed, by extension, up to the last readable byte.

A file cut short or corrupt midway must not cost the lines before the damage: readers here hand
out every byte the decompressor can produce before the error, which `read_up_to` returns with it.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import BinaryIO

import zstandard

# What reading a damaged (or not really compressed) file raises.
READ_ERRORS = (OSError, EOFError, zlib.error, zstandard.ZstdError)
COMPRESSED_PIECE = 1 << 20


def open_stream(path: Path) -> BinaryIO:
    """The decompressed bytes of a file, by extension."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return decompressing(path, path.open("rb"))


def decompressing(path: Path, raw: BinaryIO) -> BinaryIO:
    if path.name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if path.name.endswith(".zst"):
        return ZstdFrames(raw)  # type: ignore[return-value]
    return raw


class ZstdFrames(io.RawIOBase):
    """zstd data, frame after frame. zstandard's stream_reader ends quietly where a file is cut
    short inside a frame; this reader raises EOFError there."""

    def __init__(self, raw: BinaryIO):
        super().__init__()
        self.raw = raw
        self.context = zstandard.ZstdDecompressor()
        self.frame = self.context.decompressobj()
        self.in_frame = False
        self.out = b""
        self.offset = 0

    def read1(self, size: int = -1) -> bytes:
        while self.offset >= len(self.out):
            if not self._decompress_more():
                return b""
        end = len(self.out) if size < 0 else self.offset + size
        piece = self.out[self.offset:end]
        self.offset += len(piece)
        return piece

    read = read1

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        piece = self.read1(len(buffer))
        buffer[:len(piece)] = piece
        return len(piece)

    def _decompress_more(self) -> bool:
        data = self.raw.read(COMPRESSED_PIECE)
        if not data:
            if self.in_frame:
                raise EOFError("zstd data ends inside a frame: the file is cut short")
            return False
        out = []
        while data:
            self.in_frame = True
            out.append(self.frame.decompress(data))
            if not self.frame.eof:
                break
            data = self.frame.unused_data
            self.frame, self.in_frame = self.context.decompressobj(), False
        self.out, self.offset = b"".join(out), 0
        return True

    def close(self) -> None:
        super().close()
        self.raw.close()


def read_up_to(stream: BinaryIO, size: int) -> tuple[bytes, Exception | None]:
    """`size` bytes, or fewer at the end (decompressors return short reads), and the error that
    ended the stream early, if one did: the bytes read before it come with it."""
    read = getattr(stream, "read1", stream.read)  # one decompression step at a time: none is lost
    parts, wanted = [], size
    try:
        while wanted > 0 and (part := read(wanted)):
            parts.append(part)
            wanted -= len(part)
    except READ_ERRORS as error:
        return b"".join(parts), error
    return (parts[0] if len(parts) == 1 else b"".join(parts)), None
