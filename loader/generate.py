"""Deterministic synthetic block streams in the canonical NDJSON format (`substrate-loader generate`).

Same network, block count and seed give the same bytes (also for .gz and .zst). Events use each
runtime's real shapes (../shared/data/event_shapes.jsonl); addresses and amounts are made up.
Every block carries `"synthetic": true`. The chain itself is loader/synthetic/: who takes part
(accounts.py), the block and its common mix (chain.py), each runtime's own kinds (torus.py,
bittensor.py, polkadot.py).
"""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import zstandard

from loader.networks import get_network
from loader.synthetic.chain import StreamGenerator


@dataclass
class GenerateSummary:
    blocks: int = 0
    events: int = 0
    extrinsics: int = 0
    bytes_written: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)


def open_output(path: Path) -> BinaryIO:
    """A binary writer that compresses by file extension, with no timestamps in the output."""
    raw = path.open("wb")
    if path.name.endswith(".gz"):
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=5, mtime=0)  # type: ignore[return-value]
    if path.name.endswith(".zst"):
        return zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=True)  # type: ignore[return-value]
    return raw


def generate(network_name: str, block_count: int, seed: int, out: Path, count_kinds: bool = False) -> GenerateSummary:
    network = get_network(network_name)
    if not out.name.endswith((".ndjson", ".ndjson.gz", ".ndjson.zst")):
        raise ValueError(f"{out}: the output name must end with .ndjson, .ndjson.gz or .ndjson.zst")
    if block_count < 1:
        raise ValueError(f"--blocks must be at least 1, not {block_count}")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"{out}: no such folder {str(out.parent)!r} (create it first)")
    summary = GenerateSummary()
    encoder = json.JSONEncoder(separators=(",", ":"))
    with open_output(out) as sink:
        buffer = io.StringIO()
        for block in StreamGenerator(network, seed).blocks(block_count):
            buffer.write(encoder.encode(block))
            buffer.write("\n")
            summary.blocks += 1
            summary.events += len(block["events"])
            summary.extrinsics += len(block["extrinsics"])
            if count_kinds:
                summary.events_by_kind.update(f"{e['module_id']}.{e['event_id']}" for e in block["events"])
            if buffer.tell() > 4 << 20:
                summary.bytes_written += _flush(buffer, sink)
        summary.bytes_written += _flush(buffer, sink)
    return summary


def _flush(buffer: io.StringIO, sink: BinaryIO) -> int:
    data = buffer.getvalue().encode()
    sink.write(data)
    buffer.seek(0)
    buffer.truncate()
    return len(data)
