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


@dataclass(frozen=True)
class Runtime:
    """A runtime family's extrinsic kinds (with weights) and its events outside extrinsics."""

    kinds: list[tuple[Kind, float]] = field(default_factory=list)
    initialization: BlockEvents = _nothing
    finalization: BlockEvents = _nothing
