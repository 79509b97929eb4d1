"""Attributes kept exactly as written, where the engine's JSON reader would re-spell them.

ClickHouse re-serializes JSON it parses: whitespace goes, integers keep every digit (beyond 64
bits they come back as quoted digit strings), but non-integer and negative numbers may change
spelling (1.50 -> 1.5, 1e3 -> 1000) and a bare string attribute cannot be told from a number.
Lines that could hold such values take the exact path: Python re-writes each event's attributes
as a JSON string `attributes_text` holding the text as written (`exact_line`).
"""

from __future__ import annotations

import json
import re
from typing import Any

# Any number that is not a plain non-negative integer: a '-' sign, a fraction or an exponent
# (1e3 has neither '.' nor '-', so no cheaper substring check can stand in for it).
NUMBER_PATTERN = r"[:,\[]\s*(-|[0-9]+[.eE])"
# A bare string attribute that could pass for another JSON value, or holds an escape.
BARE_STRING_PATTERN = r'"attributes"\s*:\s*"([^"\\]*\\|[\s\[{]|(-?[0-9][0-9.eE+-]*|true|false|null)")'
PATTERNS = {"number_pattern": NUMBER_PATTERN, "bare_string_pattern": BARE_STRING_PATTERN}
# A bare attribute the parsed path cannot render from its unquoted text: a string that could pass
# for another JSON value, starts with whitespace, '[' or '{', or holds an escape; a bare number or
# boolean. Unambiguous bare strings (account ids) get their quotes back.
AMBIGUOUS_ATTRIBUTE = r'"attributes"\s*:\s*(?:"(?:[^"\\]*\\|[\s\[{]|(?:-?[0-9][0-9.eE+-]*|true|false|null)")|[^"{\[n\s])'
# The problem a staged line is flagged with to take the exact path (as written in loader/sql/).
NEEDS_EXACT_PATH = "~exact"

_RAW_OPEN, _RAW_CLOSE = "\ue000", "\ue001"
_RAW_NUMBER = re.compile(f'"{_RAW_OPEN}([^{_RAW_CLOSE}]*){_RAW_CLOSE}"')
_UINT64_MAX = 2**64 - 1


def _raw_number(text: str) -> str:
    return f"{_RAW_OPEN}{text}{_RAW_CLOSE}"


def _raw_int(text: str) -> str:
    # Integers beyond 64 bits as quoted digit strings, as ClickHouse writes them on the fast path.
    return text if text.isdigit() and int(text) > _UINT64_MAX else _raw_number(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def dumps_exact(value: Any) -> str:
    """JSON text of a value read by `loads_exact`, every number spelled as in the input."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _RAW_NUMBER.sub(lambda m: m.group(1), text)


def loads_exact(text: str | bytes) -> Any:
    return json.loads(text, parse_float=_raw_number, parse_int=_raw_int, parse_constant=_reject_constant)


def exact_line(text: str) -> str | None:
    """The block line with each event's attributes moved to `attributes_text` (exact JSON text)."""
    try:
        block = loads_exact(text)
    except ValueError:
        return None
    if isinstance(block, dict) and isinstance(block.get("events"), list):
        for event in block["events"]:
            if isinstance(event, dict):
                event["attributes_text"] = dumps_exact(event.pop("attributes", None))
    return dumps_exact(block)
