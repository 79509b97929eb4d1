"""The benchmark's input: a synthetic block stream and its +1% continuation, generated once and cached."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import loader.generate
import loader.synthetic
from bench.bench_load import EVENTS_PER_BLOCK

SEED = 42
INCREMENT = 0.01  # the +1% of blocks an incremental run takes in


@dataclass(frozen=True)
class Stream:
    """A base file of about the requested events and the blocks that follow it (the increment)."""

    base: Path
    increment: Path
    blocks: int
    events: int
    bytes: int
    last_height: int
    increment_blocks: int
    increment_events: int

    def as_json(self) -> dict[str, Any]:
        return {name: str(value) if isinstance(value, Path) else value for name, value in asdict(self).items()}

    @classmethod
    def from_json(cls, fields: dict[str, Any]) -> Stream:
        return cls(**{name: Path(value) if name in ("base", "increment") else value for name, value in fields.items()})


def prepare_stream(network: str, events: int, folder: Path) -> Stream:
    """The stream of about `events` events for `network`, from the cache in `folder` or generated.

    One stream 1% longer is generated and cut in two, so the increment continues the heights,
    times and accounts of the base file as a chain's next blocks would."""
    blocks = max(100, round(events / EVENTS_PER_BLOCK[network]))
    extra = max(1, round(blocks * INCREMENT))
    name = f"{network}-{blocks}-seed{SEED}-{_generator_version()}"
    meta = folder / f"{name}.json"
    if meta.exists():
        return Stream.from_json(json.loads(meta.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / f"{name}-whole.ndjson"
    started = time.perf_counter()
    made = loader.generate.generate(network, blocks + extra, SEED, whole)
    base, increment = folder / f"{name}.ndjson", folder / f"{name}-increment.ndjson"
    increment_events, last_height = _split(whole, blocks, base, increment)
    whole.unlink()
    stream = Stream(base, increment, blocks, made.events - increment_events, base.stat().st_size, last_height,
                    extra, increment_events)
    meta.write_text(json.dumps(stream.as_json()))
    print(f"generated {base.name} (+{extra} blocks) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return stream


def _generator_version() -> str:
    """A hash of the generator's source: a changed generator makes new streams, not stale ones."""
    sources = [Path(loader.generate.__file__), *sorted(Path(loader.synthetic.__file__).parent.glob("*.py"))]
    return hashlib.sha1(b"".join(path.read_bytes() for path in sources)).hexdigest()[:8]


def _split(whole: Path, blocks: int, base: Path, increment: Path) -> tuple[int, int]:
    """First `blocks` lines to `base`, the rest to `increment`: (events in increment, last base height)."""
    increment_events, last_line = 0, b""
    with whole.open("rb") as lines, base.open("wb") as head, increment.open("wb") as tail:
        for number, line in enumerate(lines):
            if number < blocks:
                head.write(line)
                last_line = line
            else:
                tail.write(line)
                increment_events += len(json.loads(line)["events"])
    return increment_events, json.loads(last_line)["block_height"]
