"""The baseline of bench/bench_node.py: a plain loop of one client library over heights of a node,
`get_block` and `get_events` per block, as a user of the library would write it (nothing landed).

    python bench/node_library_loop.py substrate-interface|async-substrate-interface URL FIRST LAST
"""

from __future__ import annotations

import asyncio
import sys


def substrate_interface(url: str, first: int, last: int) -> int:
    from substrateinterface import SubstrateInterface

    substrate = SubstrateInterface(url=url)
    events = 0
    for height in range(first, last + 1):
        block_hash = substrate.get_block_hash(height)
        substrate.get_block(block_hash=block_hash)
        events += len(substrate.get_events(block_hash))
    return events


async def async_substrate_interface(url: str, first: int, last: int) -> int:
    from async_substrate_interface import AsyncSubstrateInterface

    substrate = AsyncSubstrateInterface(url)
    await substrate.initialize()
    events = 0
    for height in range(first, last + 1):
        block_hash = await substrate.get_block_hash(height)
        await substrate.get_block(block_hash=block_hash)
        events += len(await substrate.get_events(block_hash))
    await substrate.close()
    return events


def main(argv: list[str]) -> None:
    library, url, first, last = argv[0], argv[1], int(argv[2]), int(argv[3])
    if library == "substrate-interface":
        events = substrate_interface(url, first, last)
    else:
        events = asyncio.run(async_substrate_interface(url, first, last))
    print(f"{library}: {last - first + 1} blocks, {events} events", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
