"""Substrate API Sidecar `/blocks/{n}` responses (one JSON file per block, or folders of them).

Each file is read in Python (one block per file) and rewritten as a canonical block line whose
event attributes are the positional `data` arrays, exactly as written; the lines are landed in
batches through the same engine-side checks as NDJSON. Event order is initialization, the
extrinsics in order, then finalization; event_index is the position in that order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from loader.batch import LineBatch, LoadSummary, tsv_row
from loader.exact_json import dumps_exact, loads_exact
from loader.landing import Landing

BATCH_FILES = 2_000


class NotASidecarBlock(ValueError):
    pass


def sidecar_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders expand to their *.json files in block-number order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.json"), key=block_file_order)
        else:
            yield path


def block_file_order(path: Path) -> tuple[int, str]:
    digits = re.findall(r"\d+", path.stem)
    return (int(digits[-1]) if digits else -1, path.name)


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _signer(extrinsic: dict[str, Any]) -> str | None:
    signature = extrinsic.get("signature")
    if not isinstance(signature, dict):
        return None
    signer = signature.get("signer")
    if isinstance(signer, dict):  # MultiAddress: {"id": "5F..."}
        signer = signer.get("id") or next(iter(signer.values()), None)
    return signer if isinstance(signer, str) else None


def _event(event: Any, index: int, extrinsic_index: int | None, phase: str) -> dict[str, Any]:
    if not isinstance(event, dict) or not isinstance(event.get("method"), dict):
        raise NotASidecarBlock(f"event {index} has no method {{pallet, method}}")
    method = event["method"]
    return {
        "index": index, "extrinsic_index": extrinsic_index, "phase": phase,
        "module_id": _pascal(str(method.get("pallet", ""))), "event_id": str(method.get("method", "")),
        "attributes_text": dumps_exact(event.get("data")),
    }


def _events_of(section: Any, what: str) -> list[Any]:
    events = section.get("events", []) if isinstance(section, dict) else []
    if not isinstance(events, list):
        raise NotASidecarBlock(f"{what}.events is not an array")
    return events


def canonical_block(block: Any) -> dict[str, Any]:
    """The canonical block of one Sidecar /blocks/{n} response."""
    if not isinstance(block, dict) or "number" not in block or not isinstance(block.get("extrinsics"), list):
        raise NotASidecarBlock("not a Sidecar /blocks/{n} response (needs number, hash, extrinsics)")
    extrinsics, events = [], []
    timestamp = None
    for event in _events_of(block.get("onInitialize"), "onInitialize"):
        events.append(_event(event, len(events), None, "initialization"))
    for index, extrinsic in enumerate(block["extrinsics"]):
        if not isinstance(extrinsic, dict) or not isinstance(extrinsic.get("method"), dict):
            raise NotASidecarBlock(f"extrinsics[{index}] has no method {{pallet, method}}")
        method = extrinsic["method"]
        pallet, function = str(method.get("pallet", "")), str(method.get("method", ""))
        if pallet == "timestamp" and function == "set" and isinstance(extrinsic.get("args"), dict):
            timestamp = extrinsic["args"].get("now")
        extrinsics.append({
            "index": index, "hash": extrinsic.get("hash"), "signer": _signer(extrinsic),
            "call_module": _pascal(pallet), "call_function": _snake(function),
            "success": extrinsic.get("success"), "pays_fee": extrinsic.get("paysFee"),
        })
        for event in _events_of(extrinsic, f"extrinsics[{index}]"):
            events.append(_event(event, len(events), index, "apply_extrinsic"))
    for event in _events_of(block.get("onFinalize"), "onFinalize"):
        events.append(_event(event, len(events), None, "finalization"))
    if timestamp is None:
        raise NotASidecarBlock("no timestamp.set extrinsic: the block time is unknown")
    # Sidecar writes numbers as strings; the canonical envelope has integers (checked by the engine).
    return {"block_height": _integer(block["number"]), "block_hash": block.get("hash"),
            "block_timestamp": _integer(timestamp), "extrinsics": extrinsics, "events": events}


def _integer(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


def load_sidecar(landing: Landing, paths: Iterable[Path], progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Sidecar files, and folders of them."""

    def texts() -> Iterator[tuple[str, bytes | OSError]]:
        for path in sidecar_files(paths):
            try:
                data = path.read_bytes()
            except OSError as error:
                yield str(path), error
                continue
            if progress:
                progress(len(data))
            yield str(path), data

    return load_sidecar_texts(landing, texts())


def load_sidecar_texts(landing: Landing, responses: Iterable[tuple[str, str | bytes | OSError]]) -> LoadSummary:
    """Sidecar /blocks/{n} responses (text, the bytes of a file, or why a file could not be read)
    with where each came from (a file, a URL), in order. One that is not a Sidecar block is
    quarantined whole."""
    summary = LoadSummary()
    rows: list[str] = []
    locations: list[str] = []
    texts: dict[int, str] = {}
    bad: list[tuple[str, str, str, str]] = []

    def flush() -> None:
        if rows:
            batch = LineBatch("".join(rows).encode(), "sidecar", numbered=True, text_of=texts.__getitem__,
                              first_location=locations[0], last_location=locations[-1])
            summary.add(landing.land(batch))
            rows.clear()
            locations.clear()
            texts.clear()

    for line_no, (location, response) in enumerate(responses, 1):
        if isinstance(response, OSError):
            bad.append((location, location, "", f"{location}: {response.strerror}"))
            continue
        text = response if isinstance(response, str) else response.decode("utf-8", "replace")
        try:
            line = dumps_exact(canonical_block(loads_exact(response)))
        except NotASidecarBlock as error:
            bad.append((location, location, text, f"{location}: {error}"))
            continue
        except UnicodeDecodeError as error:
            bad.append((location, location, text, f"{location}: not UTF-8 text (byte {error.start})"))
            continue
        except ValueError as error:
            bad.append((location, location, text, f"{location}: invalid JSON: {error}"))
            continue
        texts[line_no] = text
        rows.append(tsv_row(line_no, location, location, line, text, exact=True))
        locations.append(location)
        if len(rows) >= BATCH_FILES:
            flush()
    flush()
    summary.quarantined += landing.quarantine_texts(bad)
    summary.quarantined_whole.extend(reason for *_, reason in bad)
    return summary
