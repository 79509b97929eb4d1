"""Polkadot: staking payouts (old Staking.Reward, newer Staking.Rewarded), crowdloans, auctions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader.synthetic.block import BlockBuilder, Runtime

if TYPE_CHECKING:
    from loader.synthetic.chain import StreamGenerator

# The first blocks of every stream run the old runtime (Staking.Reward [stash, amount]).
OLD_RUNTIME_BLOCKS = 150


def payout_stakers(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    stashes = g.who.sample(g.pool.validators, g.rng.randint(2, 8)) + [g.retail() for _ in range(g.rng.randint(0, 4))]
    old = height < g.network.first_height + OLD_RUNTIME_BLOCKS

    def events() -> None:
        for stash in stashes:
            amount = g.amount(height, 0.0, 3.0)
            if old:
                b.event("Staking", "Reward", [stash, amount], index, "apply_extrinsic")
            else:
                b.event("Staking", "Rewarded", {"stash": stash, "dest": {"Account": stash}, "amount": amount}, index,
                        "apply_extrinsic")

    g.signed(b, height, index, g.retail(), ("Staking", "payout_stakers"), events)


def crowdloan_contribute(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    who, fund, amount = g.retail(), g.rng.choice((2000, 2004, 2006, 2011, 2012)), g.amount(height, 0.7, 4.0)
    g.signed(b, height, index, who, ("Crowdloan", "contribute"),
             lambda: b.event("Crowdloan", "Contributed", [who, fund, amount], index, "apply_extrinsic"))


def auction_bid(g: StreamGenerator, b: BlockBuilder, height: int, index: int) -> None:
    bidder, para, amount = g.who.choice(g.pool.heavy), g.rng.choice((2000, 2004, 2006)), g.amount(height, 4.0, 6.5)
    first = g.rng.randrange(4, 12)
    g.signed(b, height, index, bidder, ("Auctions", "bid"),
             lambda: b.event("Auctions", "BidAccepted", [bidder, para, amount, first, first + 7], index, "apply_extrinsic"))


def initialization(g: StreamGenerator, b: BlockBuilder, height: int) -> None:
    if height % 50 == 7:
        g.treasury_award(b, height)


RUNTIME = Runtime([(payout_stakers, 5.0), (crowdloan_contribute, 3.0), (auction_bid, 1.5)], initialization)
