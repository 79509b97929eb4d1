"""The synthetic chain of one network: blocks in height order, each a mix of extrinsics.

Per block: the timestamp inherent (extrinsic 0), then a handful of signed extrinsics drawn from
the common mix (transfers with fees, utility batches, failed transfers, remarks) and the runtime's
own kinds (loader/synthetic/torus.py, bittensor.py, polkadot.py), plus the runtime's events
outside extrinsics (rewards, emissions, treasury awards).

A failed transfer keeps its attempted `Balances.Transfer` event one time in two: real runtimes
revert it, but the rows let the dbt rule "no transfer from a failed extrinsic" be tested.
"""

from __future__ import annotations

import bisect
import hashlib
import random
from collections.abc import Callable, Iterator
from typing import Any

from loader.networks import Network, decimals_at
from loader.synthetic import bittensor, polkadot, torus
from loader.synthetic.accounts import COMMUNITIES, AddressPool, RetailAccounts
from loader.synthetic.block import BlockBuilder, Kind, Runtime

RUNTIMES = {"torus": torus.RUNTIME, "bittensor": bittensor.RUNTIME, "polkadot": polkadot.RUNTIME,
            "generic": Runtime()}


class StreamGenerator:
    """One network's synthetic chain; `blocks()` yields canonical block dicts in height order."""

    def __init__(self, network: Network, seed: int):
        self.network = network
        self.seed = seed
        self.runtime = RUNTIMES[network.family]
        # Seeding with a str hashes it with SHA-512: stable across processes and Python builds.
        self.rng = random.Random(f"{network.name}:{seed}")
        # Who takes part comes from a stream of its own: the mix does not depend on the population.
        self.who = random.Random(f"{network.name}:{seed}:accounts")
        # What came after the first streams (stake movements, emission streams) draws from its own
        # stream too, so the streams' other content stays as it was.
        self.extra = random.Random(f"{network.name}:{seed}:extra")
        self.pool = AddressPool.for_network(network)
        self.accounts = RetailAccounts(network, self.who)
        self.seen: set[str] = set(self.pool.exchanges + self.pool.heavy + self.pool.validators + self.accounts.initial)
        self.kinds, weights = zip(*self._extrinsic_mix(), strict=True)
        self.kind_cumulative = list(_accumulate(weights))
        self.batch_senders = self.pool.exchanges + self.pool.heavy[:6]
        self.next_netuid = 40
        self.next_proposal = 100

    # ----- the mix -------------------------------------------------------------------------

    def _extrinsic_mix(self) -> list[tuple[Kind, float]]:
        common: list[tuple[Kind, float]] = [(StreamGenerator.transfer, 52.0), (StreamGenerator.batch, 7.0),
                                            (StreamGenerator.failed_transfer, 6.0), (StreamGenerator.remark, 4.0)]
        return common + self.runtime.kinds

    def blocks(self, count: int) -> Iterator[dict[str, Any]]:
        net = self.network
        timestamp = net.first_timestamp_ms
        for height in range(net.first_height, net.first_height + count):
            # Now and then a slot is missed: the next block comes one block time later.
            timestamp += net.block_ms * (2 if self.rng.random() < 0.03 else 1)
            yield self.block(height, timestamp)

    def block(self, height: int, timestamp: int) -> dict[str, Any]:
        b = BlockBuilder()
        self.runtime.initialization(self, b, height)
        b.extrinsics.append(self._extrinsic(height, 0, None, "Timestamp", "set", True, False))
        b.event("System", "ExtrinsicSuccess", _dispatch_info("Mandatory", "Yes", 0), 0, "apply_extrinsic")
        for index in range(1, 1 + self._extrinsic_count()):
            kind = self.kinds[bisect.bisect(self.kind_cumulative, self.rng.random() * self.kind_cumulative[-1])]
            kind(self, b, height, index)
        self.runtime.extra(self, b, height, len(b.extrinsics))
        self.runtime.finalization(self, b, height)
        return {
            "block_height": height,
            "block_hash": _hex(f"{net_key(self.network, self.seed)}/block/{height}"),
            "block_timestamp": timestamp,
            "extrinsics": b.extrinsics,
            "events": b.events,
            "synthetic": True,
        }

    def _extrinsic_count(self) -> int:
        # Mostly quiet blocks with bursts: 0..14 signed extrinsics, mean about 5.
        r = self.rng.random()
        return int(15 * r * r)

    # ----- addresses and amounts -----------------------------------------------------------

    def retail(self) -> str:
        """An existing retail account: signers, stakers, stashes."""
        return self.accounts.existing()

    def validator(self) -> str:
        return self.who.choice(self.pool.validators)

    def sender_and_recipient(self, new_payee: bool = True) -> tuple[str, str]:
        """Who pays whom; the payee may be a new account unless `new_payee` is false (a failed
        transfer endows nobody)."""
        who, pool, accounts = self.who, self.pool, self.accounts
        payee = accounts.payee if new_payee else accounts.existing
        r = who.random()
        if r < 0.22:  # heavy senders: pay exchanges, retail, each other
            sender = who.choice(pool.heavy)
            s = who.random()
            recipient = who.choice(pool.exchanges) if s < 0.35 else who.choice(pool.heavy) if s < 0.45 else payee()
        elif r < 0.40:  # exchange withdrawals to retail
            sender, recipient = who.choice(pool.exchanges), payee()
        else:  # retail: deposits to exchanges, mostly payments inside the own community
            community = who.randrange(COMMUNITIES)
            sender, s = accounts.existing(community), who.random()
            recipient = who.choice(pool.exchanges) if s < 0.28 else payee(community) if s < 0.9 else payee()
        if recipient == sender:
            recipient = who.choice(pool.heavy)
        return sender, recipient

    def existing_account(self, rng: random.Random) -> str:
        """An account of the initial population, drawn from `rng` without counting as activity."""
        return self.accounts.initial[rng.randrange(len(self.accounts.initial))]

    def amount(self, height: int, low_units: float, high_units: float, rng: random.Random | None = None) -> int:
        """A log-uniform amount in planck; some round, some with every digit used."""
        rng = rng or self.rng
        decimals = decimals_at(self.network, height)
        units = 10 ** rng.uniform(low_units, high_units)
        planck = int(units * 10_000) * 10 ** (decimals - 4)
        if rng.random() < 0.5:
            planck += rng.randrange(10 ** (decimals - 4))
        return max(planck, 1)

    def fee(self, height: int, rng: random.Random | None = None) -> tuple[int, int]:
        """(actual_fee, tip): actual_fee already includes the tip, as in TransactionFeePaid."""
        rng = rng or self.rng
        decimals = decimals_at(self.network, height)
        base = int(rng.uniform(0.8, 2.5) * 10 ** (decimals - 4))
        tip = 0 if rng.random() < 0.9 else int(rng.uniform(0.1, 1.0) * 10 ** (decimals - 4))
        return base + tip, tip

    # ----- signed extrinsic frame: fee withdraw, call events, fee paid, success/failure ----

    def signed(self, b: BlockBuilder, height: int, index: int, signer: str, call: tuple[str, str],
               call_events: Callable[[], None], success: bool = True, rng: random.Random | None = None,
               alpha_fee: Callable[[int], Any] | None = None) -> None:
        """A signed extrinsic. With `alpha_fee` (the attributes of the fee's
        SubtensorModule.TransactionFeePaidWithAlpha, given its TAO value) the fee is paid in
        alpha: no TAO is withdrawn, and that event comes before the TransactionFeePaid that
        still names the fee's TAO value (subtensor's transaction-fee pallet)."""
        rng = rng or self.rng
        fee, tip = self.fee(height, rng)
        b.extrinsics.append(self._extrinsic(height, index, signer, *call, success, True))
        if alpha_fee is None:
            b.event("Balances", "Withdraw", {"who": signer, "amount": fee}, index, "apply_extrinsic")
        call_events()
        if alpha_fee is not None:
            b.event("SubtensorModule", "TransactionFeePaidWithAlpha", alpha_fee(fee), index, "apply_extrinsic")
        b.event("TransactionPayment", "TransactionFeePaid", {"who": signer, "actual_fee": fee, "tip": tip}, index, "apply_extrinsic")
        if success:
            b.event("System", "ExtrinsicSuccess", _dispatch_info("Normal", "Yes", rng.randrange(10**8, 10**9)), index, "apply_extrinsic")
        else:
            failure = {"dispatch_error": {"Module": {"index": 5, "error": "0x02000000"}},
                       **_dispatch_info("Normal", "Yes", rng.randrange(10**8, 10**9))}
            b.event("System", "ExtrinsicFailed", failure, index, "apply_extrinsic")

    def transfer_events(self, b: BlockBuilder, index: int, sender: str, recipient: str, amount: int) -> None:
        if recipient not in self.seen:
            self.seen.add(recipient)
            b.event("System", "NewAccount", {"account": recipient}, index, "apply_extrinsic")
            b.event("Balances", "Endowed", {"account": recipient, "free_balance": amount}, index, "apply_extrinsic")
        b.event("Balances", "Transfer", {"from": sender, "to": recipient, "amount": amount}, index, "apply_extrinsic")

    def transfer(self, b: BlockBuilder, height: int, index: int) -> None:
        sender, recipient = self.sender_and_recipient()
        amount = self.amount(height, -1.0, 5.5)
        call = ("Balances", self.rng.choice(("transfer_keep_alive", "transfer_allow_death")))
        self.signed(b, height, index, sender, call, lambda: self.transfer_events(b, index, sender, recipient, amount))

    def failed_transfer(self, b: BlockBuilder, height: int, index: int) -> None:
        sender, recipient = self.sender_and_recipient(new_payee=False)
        amount = self.amount(height, 3.0, 7.0)  # more than the sender has: InsufficientBalance
        keep_attempt = self.rng.random() < 0.5

        def attempted() -> None:
            if keep_attempt:
                b.event("Balances", "Transfer", {"from": sender, "to": recipient, "amount": amount}, index, "apply_extrinsic")

        self.signed(b, height, index, sender, ("Balances", "transfer_keep_alive"), attempted, success=False)

    def batch(self, b: BlockBuilder, height: int, index: int) -> None:
        # Exchange payouts and heavy senders batch; one fee for the whole extrinsic.
        sender = self.who.choice(self.batch_senders)
        items = [(self.accounts.payee(), self.amount(height, 0.0, 4.0)) for _ in range(self.rng.randint(2, 6))]

        def events() -> None:
            for recipient, amount in items:
                self.transfer_events(b, index, sender, recipient, amount)
                b.event("Utility", "ItemCompleted", None, index, "apply_extrinsic")
            b.event("Utility", "BatchCompleted", None, index, "apply_extrinsic")

        self.signed(b, height, index, sender, ("Utility", "batch"), events)

    def remark(self, b: BlockBuilder, height: int, index: int) -> None:
        self.signed(b, height, index, self.retail(), ("System", "remark"), lambda: None)

    # ----- events outside extrinsics ------------------------------------------------------

    def treasury_award(self, b: BlockBuilder, height: int) -> None:
        self.next_proposal += 1
        award = {"proposal_index": self.next_proposal, "award": self.amount(height, 2.0, 5.0), "account": self.retail()}
        b.event("Treasury", "Awarded", award, None, "initialization")

    def _extrinsic(self, height: int, index: int, signer: str | None, module: str, function: str,
                   success: bool, pays_fee: bool) -> dict[str, Any]:
        return {"index": index, "hash": _hex(f"{net_key(self.network, self.seed)}/xt/{height}/{index}"), "signer": signer,
                "call_module": module, "call_function": function, "success": success, "pays_fee": pays_fee}


def net_key(network: Network, seed: int) -> str:
    return f"{network.name}/{seed}"


def _hex(text: str) -> str:
    return "0x" + hashlib.blake2b(text.encode(), digest_size=32).hexdigest()


def _dispatch_info(dispatch_class: str, pays_fee: str, ref_time: int) -> dict[str, Any]:
    return {"dispatch_info": {"weight": {"ref_time": ref_time, "proof_size": 1493}, "class": dispatch_class, "pays_fee": pays_fee}}


def _accumulate(values: tuple[float, ...]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total
