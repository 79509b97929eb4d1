"""One runtime version of a chain: its metadata decoded once by async-substrate-interface (cyscale
underneath), and what decoding a block with it needs.

Metadata V14 and later carry the type registry; events then decode through cyscale's compiled value
decoder. Older runtimes decode with the library's type-registry preset for the chain (chosen by the
`system_chain` name, e.g. `polkadot`), as the library itself does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from async_substrate_interface.types import Runtime
from async_substrate_interface.utils.storage import StorageKey
from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.type_registry import load_type_registry_preset

from loader.node.render import Renderer, legacy_attribute

EventData = Callable[[Any], list[Any]]


class ChainRuntime:
    """Decoders of one spec version: events, extrinsics, and Sidecar's `data` of each event."""

    def __init__(self, chain: str, spec_version: int, metadata_hex: str, ss58_format: int):
        config = RuntimeConfigurationObject(ss58_format=ss58_format)
        config.clear_type_registry()
        config.update_type_registry(load_type_registry_preset(name="core"))
        metadata = config.create_scale_object("MetadataVersioned", data=ScaleBytes(metadata_hex))
        metadata.decode()
        self.spec_version = spec_version
        self.library = Runtime(chain=chain, metadata=metadata, type_registry={}, runtime_config=config,
                               runtime_info={"specVersion": spec_version}, ss58_format=ss58_format)
        self.config = self.library.runtime_config
        self.metadata = self.library.metadata
        self.events_type = StorageKey.create_from_storage_function(
            "System", "Events", [], runtime_config=self.config, metadata=self.metadata).value_scale_type
        self.extrinsic_class = self.config.get_decoder_class("Extrinsic")
        self.typed = bool(self.library.implements_scaleinfo)
        self._event_data: dict[tuple[str, str], EventData] = {}
        if self.typed:
            types = self.metadata.portable_registry.value["types"]
            self.renderer = Renderer(types)
            self._event_fields = _event_fields(self.renderer.types, int(self.events_type.split("::")[-1]))

    def events(self, data: bytes) -> list[dict[str, Any]]:
        """`System.Events` storage as the library's plain values."""
        if self.typed:
            return list(self.config.batch_decode([self.events_type], [data])[0])
        decoded = self.config.create_scale_object(self.events_type, data=ScaleBytes(data), metadata=self.metadata)
        decoded.decode()
        return list(decoded.value)

    def extrinsic(self, hex_text: str) -> dict[str, Any]:
        decoded = self.extrinsic_class(data=ScaleBytes(hex_text), metadata=self.metadata, runtime_config=self.config)
        decoded.decode(check_remaining=True)
        return dict(decoded.value)

    def event_data(self, event: dict[str, Any]) -> list[Any]:
        """The event's attributes as Sidecar's positional `data` array."""
        if not self.typed:
            return [legacy_attribute(str(a.get("type")), a.get("value")) for a in event["attributes"] or []]
        key = (str(event["module_id"]), str(event["event_id"]))
        render = self._event_data.get(key)
        if render is None:
            render = self._event_data[key] = self.renderer.fields(self._event_fields[key])
        return render(event["attributes"])


def _event_fields(types: dict[int, dict[str, Any]], events_vec: int) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(pallet, event) -> the event variant's fields, from Vec<EventRecord>'s RuntimeEvent enum."""
    record = types[int(types[events_vec]["def"]["sequence"]["type"])]
    runtime_event = next(int(f["type"]) for f in record["def"]["composite"]["fields"] if f.get("name") == "event")
    fields = {}
    for pallet in types[runtime_event]["def"]["variant"]["variants"]:
        pallet_events = types[int(pallet["fields"][0]["type"])]["def"]["variant"]["variants"]
        for event in pallet_events:
            fields[(str(pallet["name"]), str(event["name"]))] = list(event.get("fields") or [])
    return fields
