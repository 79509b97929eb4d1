"""SS58 checksums of the addresses a batch brings, checked in Python: the engine has no BLAKE2b.

The engine finds the strings of SS58 shape in the landed events' attributes and decodes their
base58 (loader/sql/address_candidates.sql); Python compares each one's last two bytes with its
checksum and lands those that differ in `address_checksum_failures`, which the transfer rules
reject as `address_checksum_mismatch` (macros/networks/_transfer_rule.sql).
"""

from __future__ import annotations

import hashlib
from typing import Any

from loader.statements import statement

# A JSON string of 40 to 60 base58 characters, the forms SS58 accounts take; the second pattern
# (tried only on attributes that hold a `\u` escape) also reads characters written as escapes.
_PLAIN = r'"([1-9A-HJ-NP-Za-km-z]{40,60})"'
_ESCAPED = r'"((?:[1-9A-HJ-NP-Za-km-z]|\\u[0-9a-fA-F]{4}){40,60})"'


def ss58_checksum(payload: bytes) -> bytes:
    """The two checksum bytes SS58 appends to prefix + 32-byte account id."""
    return hashlib.blake2b(b"SS58PRE" + payload, digest_size=64).digest()[:2]


def checksum_fails(data: bytes) -> bool:
    """`data` (a decoded SS58 string) has the shape of an account address, a 1-byte network
    prefix below 64 or a 2-byte one, 32 bytes and 2 checksum bytes, but the wrong checksum.
    Other shapes are not accounts at all; the rules' shape check rejects them."""
    prefix_bytes = 1 if data[0] < 64 else 2 if data[0] < 128 else 0
    if not prefix_bytes or len(data) != prefix_bytes + 34:
        return False
    return ss58_checksum(data[:-2]) != data[-2:]


def record_checksum_failures(client: Any, db: str, events: str, load_id: int,
                             parameters: dict[str, Any]) -> int:
    """Check the addresses in the attributes of `events` (SQL of network, attributes rows) and
    land the failures with `load_id`; returns how many there were."""
    rows = client.query(statement("address_candidates", events=events),
                        parameters={**parameters, "plain": _PLAIN, "escaped": _ESCAPED}).result_rows
    failures = [(network, address, load_id) for network, address, decoded in rows
                if checksum_fails(bytes.fromhex(decoded))]
    if failures:
        client.insert(f"{db}.address_checksum_failures", failures,
                      column_names=["network", "address", "load_id"])
    return len(failures)
