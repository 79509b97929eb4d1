"""Decoded values in Substrate API Sidecar's JSON shape, so a block read from a node lands exactly as
the same block read through Sidecar (loader/sidecar.py) and the rules see one layout per network.

Sidecar renders polkadot-js codecs: integers as decimal strings (u128 exact), structs as objects
with camelCase keys, enums whose variants all lack fields as the variant name, other enums as
`{camelCaseVariant: payload}`, Option as null or the value, byte vectors and byte arrays as 0x-hex,
account ids as SS58, newtypes unwrapped. The library (cyscale) decodes to plain values of nearly that
shape; a renderer compiled per metadata type (V14 and later) closes the gap (unit variants of
data-carrying enums, UTF-8 byte vectors, `()` payloads). Runtimes before V14 carry no type
registry: their values are rendered by shape alone (checked on block 789629).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

Render = Callable[[Any], Any]

_SEPARATORS = re.compile(r"[-_., ]+")
_UPPER_WORD = re.compile(r"^[\dA-Z]+$")
_CAPS_RUN = re.compile(r"^[\dA-Z]{2,}[^a-z]")


def camel_case(value: str) -> str:
    """polkadot-js `stringCamelCase` (@polkadot/util), which names Sidecar's keys, pallets and calls."""
    words = _SEPARATORS.sub(" ", value).strip().split(" ")
    out = []
    for index, word in enumerate(words):
        if _UPPER_WORD.match(word):
            word = word.lower()
        else:
            word = _CAPS_RUN.sub(lambda m: m.group(0)[:-1].lower() + m.group(0)[-1].upper(), word, count=1)
        out.append((word[:1].upper() if index else word[:1].lower()) + word[1:])
    return "".join(out)


def by_shape(value: Any) -> Any:
    """Sidecar's shape from the value alone: numbers as strings, object keys camelCase."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {camel_case(str(key)): by_shape(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [by_shape(item) for item in value]
    return str(value)


def legacy_attribute(type_name: str, value: Any) -> Any:
    """One event attribute of a pre-V14 runtime (`{type, value}` from the library)."""
    if type_name == "DispatchResult" and value == "Ok":  # Result<(), DispatchError>: Ok(()) is {"ok": []}
        return {"ok": []}
    return by_shape(value)


def _scalar(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else by_shape(value)


def _same(value: Any) -> Any:
    return value


def _null(_value: Any) -> None:
    return None


def _bytes(value: Any) -> Any:
    # The library hands back a byte vector that is valid UTF-8 as text; polkadot-js always as hex.
    if isinstance(value, str) and not value.startswith("0x"):
        return "0x" + value.encode().hex()
    return by_shape(value)


class Renderer:
    """Renderers for the types of one runtime's portable registry (metadata V14+), built on demand."""

    def __init__(self, types: Sequence[dict[str, Any]]):
        self.types = {int(entry["id"]): entry["type"] for entry in types}
        self._built: dict[int, Render] = {}

    def of(self, type_id: int) -> Render:
        built = self._built.get(type_id)
        if built is None:
            slot: list[Render] = []
            self._built[type_id] = lambda value: slot[0](value)  # a recursive type meets itself
            slot.append(self._build(type_id))
            built = self._built[type_id] = slot[0]
        return built

    def fields(self, fields: Sequence[dict[str, Any]]) -> Callable[[Any], list[Any]]:
        """An event's payload (None, a dict of named fields, one value, a tuple) as Sidecar's `data`."""
        renders = [self.of(int(f["type"])) for f in fields]
        if not fields:
            return lambda _value: []
        if all(f.get("name") for f in fields):
            names = [str(f["name"]) for f in fields]
            return lambda value: ([r(value[n]) for n, r in zip(names, renders, strict=True)]
                                  if isinstance(value, dict) else by_shape(value))
        if len(fields) == 1:
            return lambda value: [renders[0](value)]
        return lambda value: ([r(v) for r, v in zip(renders, value, strict=True)]
                              if isinstance(value, (list, tuple)) else by_shape(value))

    def _build(self, type_id: int) -> Render:
        entry = self.types[type_id]
        path = "::".join(entry.get("path") or [])
        (kind, body), = entry["def"].items()
        if path == "sp_core::crypto::AccountId32" or path.startswith("primitive_types::"):
            return _scalar
        if kind == "composite":
            return self._composite(body.get("fields") or [])
        if kind == "variant":
            return self._variant(path, entry, body.get("variants") or [])
        if kind == "sequence":
            return _bytes if self._is_u8(body["type"]) else self._list(self.of(int(body["type"])))
        if kind == "array":
            return by_shape if self._is_u8(body["type"]) else self._list(self.of(int(body["type"])))
        if kind == "tuple":
            return self._tuple([int(t) for t in body]) if body else _null
        if kind == "compact":
            return self.of(int(body["type"]))
        if kind == "primitive":
            return _same if body in ("bool", "str") else _scalar
        return by_shape  # bit sequences and anything newer: by shape

    def _is_u8(self, type_id: Any) -> bool:
        return self.types[int(type_id)]["def"] == {"primitive": "u8"}

    @staticmethod
    def _list(item: Render) -> Render:
        return lambda value: [item(v) for v in value] if isinstance(value, (list, tuple)) else by_shape(value)

    def _tuple(self, type_ids: list[int]) -> Render:
        renders = [self.of(t) for t in type_ids]
        if len(renders) == 1:
            return renders[0]
        return lambda value: ([r(v) for r, v in zip(renders, value, strict=True)]
                              if isinstance(value, (list, tuple)) else by_shape(value))

    def _composite(self, fields: list[dict[str, Any]]) -> Render:
        if not fields:
            return _null
        if not all(f.get("name") for f in fields):
            return self._tuple([int(f["type"]) for f in fields])
        keys = [(str(f["name"]), camel_case(str(f["name"])), self.of(int(f["type"]))) for f in fields]
        return lambda value: ({key: r(value[name]) for name, key, r in keys}
                              if isinstance(value, dict) else by_shape(value))

    def _variant(self, path: str, entry: dict[str, Any], variants: list[dict[str, Any]]) -> Render:
        params = [int(p["type"]) for p in entry.get("params") or [] if p.get("type") is not None]
        if path == "Option" and params:
            inner = self.of(params[0])
            return lambda value: None if value is None else inner(value)
        if not variants:
            return _null
        if all(not v.get("fields") for v in variants):  # polkadot-js "basic" enum: the name as is
            return _same
        payloads = {str(v["name"]): self._payload(v.get("fields") or []) for v in variants}
        keys = {name: camel_case(name) for name in payloads}

        def render(value: Any) -> Any:
            if isinstance(value, str) and value in payloads:
                return {keys[value]: None}
            if isinstance(value, dict) and len(value) == 1:
                (name, payload), = value.items()
                if name in payloads:
                    return {keys[name]: payloads[name](payload)}
            return by_shape(value)

        return render

    def _payload(self, fields: list[dict[str, Any]]) -> Render:
        if not fields:
            return _null
        if len(fields) == 1 and not fields[0].get("name"):
            return self.of(int(fields[0]["type"]))
        return self._composite(fields)
