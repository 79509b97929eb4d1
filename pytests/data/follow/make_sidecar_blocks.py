"""Writes the recorded Sidecar responses in sidecar/: SYNTHETIC blocks in Sidecar's `/blocks/{n}` shape.

    .venv/bin/python pytests/data/follow/make_sidecar_blocks.py

The blocks are `substrate-loader generate --network polkadot --blocks 40 --seed 7` (heights
1,248,128 to 1,248,167, before Polkadot's redenomination: amounts at 12 decimals) turned into
what Substrate API Sidecar answers: numbers as strings, pallets and methods in camelCase, positional
event `data` arrays with camelCase keys inside, events under onInitialize / each extrinsic /
onFinalize, the block time in the `timestamp.set` extrinsic's `args.now`, and a `finalized` flag.
The output is deterministic; the tests read the files, they do not run this script.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from loader.generate import generate

OUT = Path(__file__).parent / "sidecar"
NETWORK, BLOCKS, SEED = "polkadot", 40, 7


def camel(name: str) -> str:
    """transfer_keep_alive -> transferKeepAlive; Balances -> balances (Sidecar's spelling)."""
    head, *rest = name.split("_")
    return head[:1].lower() + head[1:] + "".join(part[:1].upper() + part[1:] for part in rest)


def sidecar_value(value: Any) -> Any:
    """Numbers become strings and keys camelCase, as Sidecar renders SCALE values."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {camel(k) if "_" in k else k: sidecar_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sidecar_value(v) for v in value]
    return value


def event_data(attributes: Any) -> list[Any]:
    """Sidecar's positional `data`: a named event's fields in declaration order."""
    if attributes is None:
        return []
    if isinstance(attributes, dict):
        return [sidecar_value(v) for v in attributes.values()]
    if isinstance(attributes, list):
        return [sidecar_value(v) for v in attributes]
    return [sidecar_value(attributes)]


def sidecar_event(event: dict[str, Any]) -> dict[str, Any]:
    return {"method": {"pallet": camel(event["module_id"]), "method": event["event_id"]},
            "data": event_data(event["attributes"])}


def fake_hex(*parts: object) -> str:
    return "0x" + hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def sidecar_block(block: dict[str, Any], parent_hash: str) -> dict[str, Any]:
    height, events = block["block_height"], block["events"]
    extrinsics = []
    for x in block["extrinsics"]:
        is_timestamp = (x["call_module"], x["call_function"]) == ("Timestamp", "set")
        signer = x["signer"]
        extrinsics.append({
            "method": {"pallet": camel(x["call_module"]), "method": camel(x["call_function"])},
            "signature": None if signer is None else {
                "signature": {"sr25519": fake_hex("signature", height, x["index"])[:130]}, "signer": {"id": signer}},
            "nonce": None if signer is None else str(height % 97),
            "args": {"now": str(block["block_timestamp"])} if is_timestamp else {},
            "tip": None if signer is None else "0",
            "hash": x["hash"],
            "info": {} if signer is None else {"weight": {"refTime": "195000000", "proofSize": "3593"},
                                               "class": "Normal", "partialFee": "15600000000"},
            "era": {"immortalEra": "0x00"} if signer is None else {"mortalEra": ["64", str(height % 64)]},
            "events": [sidecar_event(e) for e in events if e["extrinsic_index"] == x["index"]],
            "success": x["success"],
            "paysFee": x["pays_fee"],
        })
    return {
        "number": str(height),
        "hash": block["block_hash"],
        "parentHash": parent_hash,
        "stateRoot": fake_hex("state", height),
        "extrinsicsRoot": fake_hex("extrinsics", height),
        "authorId": "14Gn7SEmCgMX4Ukuppnw5TRjA7pao2HFpuJo39frB42tYLEh",
        "logs": [{"type": "PreRuntime", "index": "6", "value": ["0x42414245", fake_hex("babe", height)[:26]]}],
        "onInitialize": {"events": [sidecar_event(e) for e in events if e["phase"] == "initialization"]},
        "extrinsics": extrinsics,
        "onFinalize": {"events": [sidecar_event(e) for e in events if e["phase"] == "finalization"]},
        "finalized": True,
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "blocks.ndjson"
        generate(NETWORK, BLOCKS, SEED, path)
        parent_hash = fake_hex("genesis")
        for line in path.read_text().splitlines():
            block = json.loads(line)
            text = json.dumps(sidecar_block(block, parent_hash), separators=(",", ":"))
            (OUT / f"{block['block_height']}.json").write_text(text + "\n")
            parent_hash = block["block_hash"]
    print(f"{OUT}: {len(list(OUT.glob('*.json')))} blocks")


if __name__ == "__main__":
    main()
