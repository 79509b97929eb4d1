"""Bittensor: subtensor stake (old [hotkey, amount] and current longer tuples), registrations,
weights, coinbase emissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loader.synthetic.block import BlockBuilder, Runtime

if TYPE_CHECKING:
    from loader.synthetic.chain import StreamGenerator

# The first blocks of every stream run the old runtime ([hotkey, amount] stake events).
OLD_RUNTIME_BLOCKS = 150


def add_stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    _stake(g, b, height, index, "add_stake", "StakeAdded")


def remove_stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    _stake(g, b, height, index, "remove_stake", "StakeRemoved")


def _stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int, call: str, name: str) -> None:
    coldkey, hotkey = g.retail(), g.validator()
    tao = g.amount(height, -0.5, 3.5)
    if height >= g.network.first_height + OLD_RUNTIME_BLOCKS:
        netuid = g.rng.randrange(1, 40)
        attributes: list[Any] = [coldkey, hotkey, tao, tao * g.rng.randint(2, 40) // 10, netuid]
    else:
        attributes = [hotkey, tao]
    g.signed(b, height, index, coldkey, ("SubtensorModule", call),
             lambda: b.event("SubtensorModule", name, attributes, index, "apply_extrinsic"))


def register_neuron(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    coldkey, hotkey = g.retail(), g.retail()
    netuid, uid = g.rng.randrange(1, 40), g.rng.randrange(256)
    g.signed(b, height, index, coldkey, ("SubtensorModule", "burned_register"),
             lambda: b.event("SubtensorModule", "NeuronRegistered", [netuid, uid, hotkey], index, "apply_extrinsic"))


def register_network(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    netuid, g.next_netuid = g.next_netuid, g.next_netuid + 1
    g.signed(b, height, index, g.who.choice(g.pool.heavy), ("SubtensorModule", "register_network"),
             lambda: b.event("SubtensorModule", "NetworkAdded", [netuid, 0], index, "apply_extrinsic"))


def set_weights(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    netuid = g.rng.randrange(1, 40)
    g.signed(b, height, index, g.validator(), ("SubtensorModule", "set_weights"),
             lambda: b.event("SubtensorModule", "WeightsSet", [netuid, g.rng.randrange(256)], index, "apply_extrinsic"))


def initialization(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    for _ in range(g.rng.randint(0, 2)):  # coinbase emissions: [hotkey, amount]
        b.event("SubtensorModule", "EmissionReceived", [g.validator(), g.amount(height, -1.0, 1.5)], None, "initialization")


RUNTIME = Runtime([(add_stake, 11.0), (remove_stake, 7.0), (register_neuron, 4.0), (register_network, 0.3),
                   (set_weights, 10.0)], initialization)
