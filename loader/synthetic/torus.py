"""Torus: stake to agents ([staker, agent, amount]), agent registration, weights, era payouts,
and Permission0 emission streams: emission accumulated in a stream permission
(AccumulatedEmission) and distributed to its recipients (StreamDistribution), automatically at
block initialization or by its delegator's extrinsic, named and positional."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from loader.synthetic.block import BlockBuilder, Runtime

if TYPE_CHECKING:
    from loader.synthetic.chain import StreamGenerator

STREAMS = 6  # stream permissions of every stream, each with its own stream id
MANUAL_DISTRIBUTION_SHARE = 0.04  # blocks with a delegator's manual distribution
DISTRIBUTION_FIELDS = ["permission_id", "stream_id", "recipient", "amount", "reason"]


def _id(g: StreamGenerator, kind: str, number: int) -> str:
    return "0x" + hashlib.blake2b(f"{g.network.name}/{kind}/{number}".encode(), digest_size=32).hexdigest()


def add_stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    staker, agent, amount = g.retail(), g.validator(), g.amount(height, 1.0, 5.0)
    g.signed(b, height, index, staker, ("Torus0", "add_stake"),
             lambda: b.event("Torus0", "StakeAdded", [staker, agent, amount], index, "apply_extrinsic"))


def remove_stake(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    staker, agent, amount = g.retail(), g.validator(), g.amount(height, 0.5, 4.5)
    g.signed(b, height, index, staker, ("Torus0", "remove_stake"),
             lambda: b.event("Torus0", "StakeRemoved", [staker, agent, amount], index, "apply_extrinsic"))


def register_agent(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    agent = g.retail()
    g.signed(b, height, index, agent, ("Torus0", "register_agent"),
             lambda: b.event("Torus0", "AgentRegistered", agent, index, "apply_extrinsic"))


def set_weights(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    agent = g.validator()
    g.signed(b, height, index, agent, ("Emission0", "set_weights"),
             lambda: b.event("Emission0", "WeightsSet", agent, index, "apply_extrinsic"))


def _distribution(g: StreamGenerator, height: int, stream: int, recipient: str, manual: bool) -> Any:
    values = [_id(g, "permission", stream), None if manual else _id(g, "stream", stream), recipient,
              g.amount(height, -1.0, 4.5, g.extra), "Manual" if manual else "Automatic"]
    named = (height + stream) % 2 == 0  # both decoder shapes, without a random draw
    return dict(zip(DISTRIBUTION_FIELDS, values, strict=True)) if named else values


def streams(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    """Emission streams at block initialization, from `g.extra`: every 10 blocks two streams
    accumulate emission, every 25 one distributes it to one to three recipients."""
    rng = g.extra
    if height % 10 == 3:
        for stream in rng.sample(range(STREAMS), 2):
            b.event("Permission0", "AccumulatedEmission",
                    {"permission_id": _id(g, "permission", stream), "stream_id": _id(g, "stream", stream),
                     "amount": g.amount(height, -1.0, 4.5, rng)}, None, "initialization")
    if height % 25 == 11:
        stream = rng.randrange(STREAMS)
        for recipient in rng.sample(g.pool.validators, rng.randint(1, 3)):
            b.event("Permission0", "StreamDistribution", _distribution(g, height, stream, recipient, False), None,
                    "initialization")


def manual_distribution(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    """Now and then a delegator distributes its stream by hand (reason Manual, no stream id)."""
    rng = g.extra
    if rng.random() >= MANUAL_DISTRIBUTION_SHARE:
        return
    stream, recipient = rng.randrange(STREAMS), rng.choice(g.pool.validators)
    attributes = _distribution(g, height, stream, recipient, True)
    g.signed(b, height, index, g.existing_account(rng), ("Permission0", "execute_permission"),
             lambda: b.event("Permission0", "StreamDistribution", attributes, index, "apply_extrinsic"), rng=rng)


def initialization(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    if height % 50 == 7:
        g.treasury_award(b, height)
    streams(g, b, height)


def finalization(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    if height % 20 == 0:  # era payout of the validators
        for stash in g.who.sample(g.pool.validators, 4):
            b.event("Staking", "Reward", {"stash": stash, "amount": g.amount(height, 0.0, 2.5)}, None, "finalization")


RUNTIME = Runtime([(add_stake, 10.0), (remove_stake, 6.0), (register_agent, 2.0), (set_weights, 8.0)],
                  initialization, finalization, extra=manual_distribution)
