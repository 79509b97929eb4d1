"""Torus: stake to agents ([staker, agent, amount]), agent registration, weights, era payouts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader.synthetic.block import BlockBuilder, Runtime

if TYPE_CHECKING:
    from loader.synthetic.chain import StreamGenerator


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


def initialization(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    if height % 50 == 7:
        g.treasury_award(b, height)


def finalization(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    if height % 20 == 0:  # era payout of the validators
        for stash in g.who.sample(g.pool.validators, 4):
            b.event("Staking", "Reward", {"stash": stash, "amount": g.amount(height, 0.0, 2.5)}, None, "finalization")


RUNTIME = Runtime([(add_stake, 10.0), (remove_stake, 6.0), (register_agent, 2.0), (set_weights, 8.0)],
                  initialization, finalization)
