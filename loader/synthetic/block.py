"""One synthetic block as it is built, and what a runtime adds to the common mix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loader.synthetic.chain import StreamGenerator

# An extrinsic kind: adds one signed extrinsic at `index` of the block at `height`.
Kind = Callable[["StreamGenerator", "BlockBuilder", int, int], None]
# Events outside extrinsics (initialization or finalization) of the block at `height`.
BlockEvents = Callable[["StreamGenerator", "BlockBuilder", int], None]
# Extrinsics added after the mix from the generator's own random stream (`extra`), so the
# rest of a stream stays as it was before they existed: may add one at `index`.
ExtraExtrinsics = Callable[["StreamGenerator", "BlockBuilder", int, int], None]


@dataclass
class BlockBuilder:
    """Collects one block's extrinsics and events; indexes follow the canonical order."""

    extrinsics: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def event(self, module: str, name: str, attributes: Any, extrinsic_index: int | None, phase: str) -> None:
        self.events.append(
            {"index": len(self.events), "extrinsic_index": extrinsic_index, "phase": phase,
             "module_id": module, "event_id": name, "attributes": attributes}
        )


def _nothing(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    return None


def _no_extrinsic(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    return None


@dataclass(frozen=True)
class Runtime:
    """A runtime family's extrinsic kinds (with weights), its events outside extrinsics and
    its extrinsics drawn apart from the mix."""

    kinds: list[tuple[Kind, float]] = field(default_factory=list)
    initialization: BlockEvents = _nothing
    finalization: BlockEvents = _nothing
    extra: ExtraExtrinsics = _no_extrinsic
