"""One block read from a node, decoded into a canonical NDJSON line (the worker processes' job).

The decoded block is first put in the shape of a Sidecar `/blocks/{n}` response, the fields that
loader/sidecar.py reads (pallets and calls camelCase, events grouped by phase and extrinsic,
`success` from System.ExtrinsicSuccess, `paysFee` from the dispatch info of signed extrinsics),
then converted by that same converter: a block lands exactly as through Sidecar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalecodec.utils.ss58 import is_valid_ss58_address, ss58_encode

from loader.node.render import by_shape, camel_case
from loader.node.runtime import ChainRuntime
from loader.sidecar import NotASidecarBlock, canonical_block


@dataclass(frozen=True)
class Chain:
    """What decoding needs to know of the chain: its name (type presets) and its SS58 format."""

    name: str
    ss58_format: int


@dataclass(frozen=True)
class RawBlock:
    """A block as the node served it: body hex, events storage hex, its runtime's spec version."""

    height: int
    hash: str
    extrinsics: tuple[str, ...]
    events_hex: str | None  # None: the block has no System.Events (none stored)
    spec_version: int


class BlockDecodeError(ValueError):
    def __init__(self, height: int, reason: str):
        super().__init__(f"height {height}: {reason}")
        self.height = height
        self.reason = reason


_runtimes: dict[tuple[str, int], ChainRuntime] = {}  # per process: one per spec version


def runtime_for(chain: Chain, spec_version: int, metadata_file: Path) -> ChainRuntime:
    """The process's runtime of this spec version, decoded from the metadata file the first time."""
    key = (chain.name, spec_version)
    runtime = _runtimes.get(key)
    if runtime is None:
        metadata_hex = metadata_file.read_text()
        runtime = _runtimes[key] = ChainRuntime(chain.name, spec_version, metadata_hex, chain.ss58_format)
    return runtime


def decode_lines(chain: Chain, metadata_dir: str, blocks: list[RawBlock]) -> tuple[list[str], tuple[int, str] | None]:
    """Canonical lines of the blocks (a worker task), each decoded with its own runtime's metadata,
    up to the first that fails: (lines, (its height, the reason))."""
    lines = []
    for raw in blocks:
        try:
            runtime = runtime_for(chain, raw.spec_version, Path(metadata_dir) / f"{raw.spec_version}.hex")
            lines.append(canonical_line(raw, runtime, chain))
        except BlockDecodeError as error:
            return lines, (error.height, error.reason)
        except Exception as error:  # noqa: BLE001 - e.g. metadata the library cannot read
            return lines, (raw.height, f"spec {raw.spec_version}'s metadata: {type(error).__name__}: {error}")
    return lines, None


def canonical_line(raw: RawBlock, runtime: ChainRuntime, chain: Chain) -> str:
    try:
        shaped = sidecar_shape(raw, runtime, chain)
        block = canonical_block(shaped)
    except BlockDecodeError:
        raise
    except NotASidecarBlock as error:
        raise BlockDecodeError(raw.height, str(error)) from error
    except Exception as error:  # noqa: BLE001 - a decoder failure names the block, whatever it was
        raise BlockDecodeError(raw.height, f"cannot decode with spec {raw.spec_version}'s metadata: "
                                           f"{type(error).__name__}: {error}") from error
    events = [e["data"] for e in _shaped_events(shaped)]
    for event, data in zip(block["events"], events, strict=True):
        del event["attributes_text"]  # the converter's exact-text field; here the value itself
        event["attributes"] = data
    return json.dumps(block, ensure_ascii=False, separators=(",", ":"))


def sidecar_shape(raw: RawBlock, runtime: ChainRuntime, chain: Chain) -> dict[str, Any]:
    """The block as Sidecar's `/blocks/{n}` would answer it (the fields the converter reads)."""
    extrinsics = [_extrinsic(runtime.extrinsic(text), chain) for text in raw.extrinsics]
    initialization: list[dict[str, Any]] = []
    finalization: list[dict[str, Any]] = []
    records = runtime.events(bytes.fromhex(raw.events_hex.removeprefix("0x"))) if raw.events_hex else []
    for number, record in enumerate(records):
        event = {"method": {"pallet": camel_case(str(record["module_id"])), "method": str(record["event_id"])},
                 "data": runtime.event_data(record)}
        phase = record["phase"]
        if phase == "ApplyExtrinsic":
            index = int(record["extrinsic_idx"])
            if index >= len(extrinsics):
                raise BlockDecodeError(raw.height, f"event {number} ({record['module_id']}.{record['event_id']}) "
                                                   f"belongs to extrinsic {index}, but the block has {len(extrinsics)}")
            _attribute(extrinsics[index], event)
        elif phase == "Finalization":
            finalization.append(event)
        else:
            initialization.append(event)
    return {"number": str(raw.height), "hash": raw.hash, "extrinsics": extrinsics,
            "onInitialize": {"events": initialization}, "onFinalize": {"events": finalization}}


def _shaped_events(shaped: dict[str, Any]) -> list[dict[str, Any]]:
    events = list(shaped["onInitialize"]["events"])
    for extrinsic in shaped["extrinsics"]:
        events.extend(extrinsic["events"])
    return events + shaped["onFinalize"]["events"]


def _extrinsic(value: dict[str, Any], chain: Chain) -> dict[str, Any]:
    call = value["call"]
    pallet, method = camel_case(str(call["call_module"])), camel_case(str(call["call_function"]))
    signed = value.get("address") is not None
    args = {}
    if pallet == "timestamp" and method == "set":
        args = {str(a["name"]): by_shape(a["value"]) for a in call.get("call_args") or []}
    return {"method": {"pallet": pallet, "method": method},
            "signature": {"signer": _signer(value["address"], chain.ss58_format)} if signed else None,
            "hash": value.get("extrinsic_hash"), "args": args, "events": [],
            "success": False, "paysFee": None if signed else False}  # unsigned never pays a fee


def _attribute(extrinsic: dict[str, Any], event: dict[str, Any]) -> None:
    """Sidecar's rules: ExtrinsicSuccess sets success; a signed extrinsic's fee flag is the
    `paysFee` of the dispatch info in ExtrinsicSuccess/ExtrinsicFailed."""
    name = event["method"]["method"]
    if name == "ExtrinsicSuccess":
        extrinsic["success"] = True
    if name in ("ExtrinsicSuccess", "ExtrinsicFailed") and extrinsic["signature"]:
        for item in event["data"]:
            if isinstance(item, dict) and "paysFee" in item:
                extrinsic["paysFee"] = item["paysFee"] in (True, "Yes")
                break
    extrinsic["events"].append(event)


def _signer(address: Any, ss58_format: int) -> Any:
    """The signer in the chain's SS58 format, whatever form the library handed it back in."""
    if isinstance(address, dict):  # MultiAddress::Index and the like: {"index": "5"}, as Sidecar
        return by_shape(address)
    text = str(address)
    if len(text) == 66 and text.startswith("0x"):  # 32 bytes of public key
        return ss58_encode(bytes.fromhex(text[2:]), ss58_format)
    if text.startswith("0x") and is_valid_ss58_address(text[2:]):  # pre-V14 addresses come back '0x' + SS58
        return text[2:]
    return text
