"""Bittensor: subtensor stake in each runtime's layout, stake movements, registrations, weights,
coinbase emissions.

Runtimes by block (from the stream's first): the old one ([hotkey, amount] stake events), dTAO
(coldkey, hotkey, tao_amount, alpha_amount, netuid), and dTAO with the stake fee as a sixth
field. Stake events come in both decoder shapes, named and positional, by block and extrinsic.
From dTAO on, stake movements (StakeMoved, StakeTransferred, StakeSwapped) come with the
StakeRemoved + StakeAdded legs the runtime emits before them, some paying their fee in alpha.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loader.synthetic.block import BlockBuilder, Runtime

if TYPE_CHECKING:
    from loader.synthetic.chain import StreamGenerator

# Where each runtime starts, in blocks from the stream's first: dTAO, then the stake fee field.
OLD_RUNTIME_BLOCKS = 150
FEE_RUNTIME_BLOCKS = 300
# Share of dTAO blocks with a stake movement, and of those paying their fee in alpha.
MOVEMENT_SHARE = 0.3
ALPHA_FEE_SHARE = 0.3
STAKE_FIELDS = ["coldkey", "hotkey", "tao_amount", "alpha_amount", "netuid", "fee"]
MOVEMENT_FIELDS = {
    "StakeMoved": ["coldkey", "origin_hotkey", "origin_netuid", "dest_hotkey", "dest_netuid", "tao_amount"],
    "StakeTransferred": ["origin_coldkey", "dest_coldkey", "hotkey", "origin_netuid", "dest_netuid", "tao_amount"],
    "StakeSwapped": ["coldkey", "hotkey", "origin_netuid", "dest_netuid", "tao_amount"],
}


def runtime_era(g: StreamGenerator, height: int) -> str:
    """'old', 'dtao' or 'dtao_fee': the runtime of the block at `height`."""
    offset = height - g.network.first_height
    return "old" if offset < OLD_RUNTIME_BLOCKS else "dtao" if offset < FEE_RUNTIME_BLOCKS else "dtao_fee"


def shaped(names: list[str], values: list[Any], named: bool) -> Any:
    """The attributes as a decoder gives them: a named object or a positional array."""
    return dict(zip(names, values, strict=True)) if named else values


def is_named(height: int, index: int) -> bool:
    # Alternating shapes without a random draw, so the streams' random content stays the same.
    return (height + index) % 2 == 1


def stake_attributes(era: str, named: bool, coldkey: str, hotkey: str, tao: int, alpha: int, netuid: int,
                     fee: int) -> Any:
    """A StakeAdded / StakeRemoved in the layout of `era`; the fee field from dTAO with fee on."""
    if era == "old":
        return shaped(["hotkey", "amount"], [hotkey, tao], named)
    count = 6 if era == "dtao_fee" else 5
    return shaped(STAKE_FIELDS[:count], [coldkey, hotkey, tao, alpha, netuid, fee][:count], named)


def add_stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    _stake(g, b, height, index, "add_stake", "StakeAdded")


def remove_stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    _stake(g, b, height, index, "remove_stake", "StakeRemoved")


def _stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int, call: str, name: str) -> None:
    coldkey, hotkey = g.retail(), g.validator()
    tao = g.amount(height, -0.5, 3.5)
    era = runtime_era(g, height)
    netuid, alpha = 0, 0
    if era != "old":
        netuid = g.rng.randrange(1, 40)
        alpha = tao * g.rng.randint(2, 40) // 10
    # The swap fee is part of the TAO amount: 0.05% of it (no random draw).
    attributes = stake_attributes(era, is_named(height, index), coldkey, hotkey, tao, alpha, netuid, tao // 2000)
    g.signed(b, height, index, coldkey, ("SubtensorModule", call),
             lambda: b.event("SubtensorModule", name, attributes, index, "apply_extrinsic"))


def stake_movement(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    """Now and then (dTAO on) a move, transfer or swap of stake, drawn from `g.extra`: its
    StakeRemoved from the origin and StakeAdded to the destination (fee 0 within a subnet; a
    move between subnets pays the origin's swap fee), then the movement's own event."""
    rng, era = g.extra, runtime_era(g, height)
    if era == "old" or rng.random() >= MOVEMENT_SHARE:
        return
    kind = rng.choice(sorted(MOVEMENT_FIELDS))
    coldkey, hotkey = g.existing_account(rng), rng.choice(g.pool.validators)
    origin_netuid = rng.randrange(1, 40)
    crosses = kind == "StakeSwapped" or rng.random() < 0.5
    dest_netuid = rng.choice([n for n in range(1, 40) if n != origin_netuid]) if crosses else origin_netuid
    dest_coldkey = g.existing_account(rng) if kind == "StakeTransferred" else coldkey
    dest_hotkey = rng.choice([v for v in g.pool.validators if v != hotkey]) if kind == "StakeMoved" else hotkey
    tao = g.amount(height, -0.5, 3.0, rng)
    alpha_out = tao * rng.randint(2, 40) // 10
    alpha_in = tao * rng.randint(2, 40) // 10 if crosses else alpha_out
    origin_fee = tao // 1000 if crosses else 0
    values = {"StakeMoved": [coldkey, hotkey, origin_netuid, dest_hotkey, dest_netuid, tao],
              "StakeTransferred": [coldkey, dest_coldkey, hotkey, origin_netuid, dest_netuid, tao],
              "StakeSwapped": [coldkey, hotkey, origin_netuid, dest_netuid, tao]}[kind]
    named = is_named(height, index)
    paid_in_alpha = rng.random() < ALPHA_FEE_SHARE

    def alpha_fee(tao_fee: int) -> Any:
        return shaped(["who", "netuid", "alpha_fee", "tao_amount"],
                      [coldkey, origin_netuid, alpha_out // 500 + 1, tao_fee], not named)

    def events() -> None:
        b.event("SubtensorModule", "StakeRemoved",
                stake_attributes(era, named, coldkey, hotkey, tao, alpha_out, origin_netuid, origin_fee),
                index, "apply_extrinsic")
        b.event("SubtensorModule", "StakeAdded",
                stake_attributes(era, not named, dest_coldkey, dest_hotkey, tao, alpha_in, dest_netuid, 0),
                index, "apply_extrinsic")
        b.event("SubtensorModule", kind, shaped(MOVEMENT_FIELDS[kind], values, named), index, "apply_extrinsic")

    call = {"StakeMoved": "move_stake", "StakeTransferred": "transfer_stake", "StakeSwapped": "swap_stake"}[kind]
    g.signed(b, height, index, coldkey, ("SubtensorModule", call), events, rng=rng,
             alpha_fee=alpha_fee if paid_in_alpha else None)


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
                   (set_weights, 10.0)], initialization, extra=stake_movement)
