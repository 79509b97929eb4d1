"""Deterministic synthetic block streams in the canonical NDJSON format.

Same network, block count and seed give the same bytes (also for .gz and .zst). Events use each
runtime's real shapes (../shared/data/event_shapes.jsonl); addresses and amounts are made up.
Every block carries `"synthetic": true`.

The mix, per block: the timestamp inherent (extrinsic 0), then a handful of signed extrinsics
(transfers with fees, utility batches, failed extrinsics, staking, registrations, rewards),
plus initialization/finalization events (rewards, emissions, treasury awards).

Who takes part: a few fixed exchange-like hubs, heavy senders and validators/agents, and a retail
population that grows with the chain (RetailAccounts): the stream starts with 1,200 accounts, and a
retail payee is a brand-new account one time in twenty (NewAccount + Endowed), so the number of
accounts grows in step with the activity, as on a real chain. Retail accounts are grouped in
communities that mostly pay each other; an existing account is drawn in proportion to how often it
has taken part so far (heavy-tailed activity: a few busy accounts, a long tail seen once or twice)
or, half the time, among its community's recent participants (recently active accounts are the
likely ones; the rest go quiet). Who takes part is drawn from its own random stream, so the mix of
kinds, amounts and fees does not depend on the population.

A failed transfer keeps its attempted `Balances.Transfer` event one time in two: real runtimes
revert it, but the rows let the dbt rule "no transfer from a failed extrinsic" be tested.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import io
import json
import random
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from loader.networks import Network, decimals_at, get_network

_BASE58 = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
COMMUNITIES = 12
HEAVY_SENDERS = 24
EXCHANGES = 4
VALIDATORS = 48
# The retail population (see RetailAccounts).
INITIAL_RETAIL_ACCOUNTS = 1_200  # accounts that exist when the stream starts, 100 per community
NEW_ACCOUNT_SHARE = 0.05  # a retail payee is a new account 1 time in 20 (~1 new account per 25 transfers)
RECENT_SHARE = 0.5  # share of the draws of an existing account made among recent participants ...
RECENT_WINDOW = 2_000  # ... the community's last 2,000 appearances (about 4,000 blocks: 9 hours of Torus)


def ss58(prefix: int, public_key: bytes) -> str:
    """SS58 address (one-byte prefix) of a 32-byte public key, with its real checksum."""
    payload = bytes([prefix]) + public_key
    checksum = hashlib.blake2b(b"SS58PRE" + payload, digest_size=64).digest()[:2]
    data = payload + checksum
    number = int.from_bytes(data, "big")
    out = bytearray()
    while number:
        number, rest = divmod(number, 58)
        out.append(_BASE58[rest])
    out.extend(b"1" * (len(data) - len(data.lstrip(b"\0"))))
    return out[::-1].decode()


def account(network: Network, role: str, number: int) -> str:
    """The address of a role's n-th account: the same for a network whatever the seed."""
    return ss58(network.ss58_prefix, hashlib.blake2b(f"{network.family}/{role}/{number}".encode(), digest_size=32).digest())


@dataclass
class AddressPool:
    """The fixed roles: exchanges, heavy senders and validators (the retail population grows)."""

    exchanges: list[str]
    heavy: list[str]
    validators: list[str]

    @classmethod
    def for_network(cls, network: Network) -> AddressPool:
        def make(role: str, count: int) -> list[str]:
            return [account(network, role, i) for i in range(count)]

        return cls(make("exchange", EXCHANGES), make("heavy", HEAVY_SENDERS), make("validator", VALIDATORS))


class RetailAccounts:
    """The retail population of a growing chain, in COMMUNITIES communities.

    Each community keeps the log of its accounts' appearances (an account's number each time it
    takes part). An existing account is drawn from that log: uniformly over the whole log, i.e. in
    proportion to past activity (preferential attachment: heavy-tailed activity), or, with
    probability RECENT_SHARE, among the last RECENT_WINDOW appearances (recent participants are
    likely again; the others go quiet). A payee is a new account with probability
    NEW_ACCOUNT_SHARE: accounts come into existence by receiving funds, never by signing first.
    The n-th account created is `account(network, "retail", n)`, whatever the seed.
    """

    def __init__(self, network: Network, rng: random.Random):
        self.network = network
        self.rng = rng
        self.names: list[str] = []
        self.appearances = [array("I") for _ in range(COMMUNITIES)]
        for number in range(INITIAL_RETAIL_ACCOUNTS):
            self._create(number % COMMUNITIES)

    @property
    def initial(self) -> list[str]:
        return self.names[:INITIAL_RETAIL_ACCOUNTS]

    def existing(self, community: int | None = None) -> str:
        """An account that exists already (a signer, a staker, a payee that is not new)."""
        log = self.appearances[self.rng.randrange(COMMUNITIES) if community is None else community]
        if self.rng.random() < RECENT_SHARE:
            number = log[len(log) - 1 - self.rng.randrange(min(RECENT_WINDOW, len(log)))]
        else:
            number = log[self.rng.randrange(len(log))]
        log.append(number)
        return self.names[number]

    def payee(self, community: int | None = None) -> str:
        """The receiving side of a payment: now and then a new account."""
        if self.rng.random() < NEW_ACCOUNT_SHARE:
            return self.names[self._create(self.rng.randrange(COMMUNITIES) if community is None else community)]
        return self.existing(community)

    def _create(self, community: int) -> int:
        number = len(self.names)
        self.names.append(account(self.network, "retail", number))
        self.appearances[community].append(number)
        return number


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


class StreamGenerator:
    """One network's synthetic chain; `blocks()` yields canonical block dicts in height order."""

    def __init__(self, network: Network, seed: int):
        self.network = network
        self.seed = seed
        # Seeding with a str hashes it with SHA-512: stable across processes and Python builds.
        self.rng = random.Random(f"{network.name}:{seed}")
        # Who takes part comes from a stream of its own: the mix does not depend on the population.
        self.who = random.Random(f"{network.name}:{seed}:accounts")
        self.pool = AddressPool.for_network(network)
        self.accounts = RetailAccounts(network, self.who)
        self.seen: set[str] = set(self.pool.exchanges + self.pool.heavy + self.pool.validators + self.accounts.initial)
        self.kinds, weights = zip(*self._extrinsic_mix(), strict=True)
        self.kind_cumulative = list(_accumulate(weights))
        self.batch_senders = self.pool.exchanges + self.pool.heavy[:6]
        self.next_netuid = 40
        self.next_proposal = 100

    # ----- the mix -------------------------------------------------------------------------

    def _extrinsic_mix(self) -> list[tuple[Callable[[BlockBuilder, int, int], None], float]]:
        common = [(self.transfer, 52.0), (self.batch, 7.0), (self.failed_transfer, 6.0), (self.remark, 4.0)]
        per_family = {
            "torus": [(self.torus_add_stake, 10.0), (self.torus_remove_stake, 6.0), (self.torus_register_agent, 2.0),
                      (self.torus_set_weights, 8.0)],
            "bittensor": [(self.subtensor_add_stake, 11.0), (self.subtensor_remove_stake, 7.0),
                          (self.subtensor_register_neuron, 4.0), (self.subtensor_register_network, 0.3),
                          (self.subtensor_set_weights, 10.0)],
            "polkadot": [(self.payout_stakers, 5.0), (self.crowdloan_contribute, 3.0), (self.auction_bid, 1.5)],
            "generic": [],
        }
        return common + per_family[self.network.family]

    def blocks(self, count: int) -> Iterator[dict[str, Any]]:
        net = self.network
        timestamp = net.first_timestamp_ms
        for height in range(net.first_height, net.first_height + count):
            # Now and then a slot is missed: the next block comes one block time later.
            timestamp += net.block_ms * (2 if self.rng.random() < 0.03 else 1)
            yield self.block(height, timestamp)

    def block(self, height: int, timestamp: int) -> dict[str, Any]:
        b = BlockBuilder()
        self.initialization(b, height)
        b.extrinsics.append(self._extrinsic(height, 0, None, "Timestamp", "set", True, False))
        b.event("System", "ExtrinsicSuccess", _dispatch_info("Mandatory", "Yes", 0), 0, "apply_extrinsic")
        for index in range(1, 1 + self._extrinsic_count()):
            kind = self.kinds[bisect.bisect(self.kind_cumulative, self.rng.random() * self.kind_cumulative[-1])]
            kind(b, height, index)
        self.finalization(b, height)
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

    def amount(self, height: int, low_units: float, high_units: float) -> int:
        """A log-uniform amount in planck; some round, some with every digit used."""
        decimals = decimals_at(self.network, height)
        units = 10 ** self.rng.uniform(low_units, high_units)
        planck = int(units * 10_000) * 10 ** (decimals - 4)
        if self.rng.random() < 0.5:
            planck += self.rng.randrange(10 ** (decimals - 4))
        return max(planck, 1)

    def fee(self, height: int) -> tuple[int, int]:
        """(actual_fee, tip): actual_fee already includes the tip, as in TransactionFeePaid."""
        decimals = decimals_at(self.network, height)
        base = int(self.rng.uniform(0.8, 2.5) * 10 ** (decimals - 4))
        tip = 0 if self.rng.random() < 0.9 else int(self.rng.uniform(0.1, 1.0) * 10 ** (decimals - 4))
        return base + tip, tip

    # ----- signed extrinsic frame: fee withdraw, call events, fee paid, success/failure ----

    def signed(self, b: BlockBuilder, height: int, index: int, signer: str, call: tuple[str, str],
               call_events: Callable[[], None], success: bool = True) -> None:
        fee, tip = self.fee(height)
        b.extrinsics.append(self._extrinsic(height, index, signer, *call, success, True))
        b.event("Balances", "Withdraw", {"who": signer, "amount": fee}, index, "apply_extrinsic")
        call_events()
        b.event("TransactionPayment", "TransactionFeePaid", {"who": signer, "actual_fee": fee, "tip": tip}, index, "apply_extrinsic")
        if success:
            b.event("System", "ExtrinsicSuccess", _dispatch_info("Normal", "Yes", self.rng.randrange(10**8, 10**9)), index, "apply_extrinsic")
        else:
            failure = {"dispatch_error": {"Module": {"index": 5, "error": "0x02000000"}},
                       **_dispatch_info("Normal", "Yes", self.rng.randrange(10**8, 10**9))}
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

    # ----- Torus ---------------------------------------------------------------------------

    def torus_add_stake(self, b: BlockBuilder, height: int, index: int) -> None:
        staker, agent, amount = self.retail(), self.validator(), self.amount(height, 1.0, 5.0)
        self.signed(b, height, index, staker, ("Torus0", "add_stake"),
                    lambda: b.event("Torus0", "StakeAdded", [staker, agent, amount], index, "apply_extrinsic"))

    def torus_remove_stake(self, b: BlockBuilder, height: int, index: int) -> None:
        staker, agent, amount = self.retail(), self.validator(), self.amount(height, 0.5, 4.5)
        self.signed(b, height, index, staker, ("Torus0", "remove_stake"),
                    lambda: b.event("Torus0", "StakeRemoved", [staker, agent, amount], index, "apply_extrinsic"))

    def torus_register_agent(self, b: BlockBuilder, height: int, index: int) -> None:
        agent = self.retail()
        self.signed(b, height, index, agent, ("Torus0", "register_agent"),
                    lambda: b.event("Torus0", "AgentRegistered", agent, index, "apply_extrinsic"))

    def torus_set_weights(self, b: BlockBuilder, height: int, index: int) -> None:
        agent = self.validator()
        self.signed(b, height, index, agent, ("Emission0", "set_weights"),
                    lambda: b.event("Emission0", "WeightsSet", agent, index, "apply_extrinsic"))

    # ----- Bittensor -----------------------------------------------------------------------

    def _current_subtensor(self, height: int) -> bool:
        # The first part of every stream runs the old runtime ([hotkey, amount] stake events).
        return height >= self.network.first_height + 150

    def subtensor_add_stake(self, b: BlockBuilder, height: int, index: int) -> None:
        self._subtensor_stake(b, height, index, "add_stake", "StakeAdded")

    def subtensor_remove_stake(self, b: BlockBuilder, height: int, index: int) -> None:
        self._subtensor_stake(b, height, index, "remove_stake", "StakeRemoved")

    def _subtensor_stake(self, b: BlockBuilder, height: int, index: int, call: str, name: str) -> None:
        coldkey, hotkey = self.retail(), self.validator()
        tao = self.amount(height, -0.5, 3.5)
        if self._current_subtensor(height):
            netuid = self.rng.randrange(1, 40)
            attributes: list[Any] = [coldkey, hotkey, tao, tao * self.rng.randint(2, 40) // 10, netuid]
        else:
            attributes = [hotkey, tao]
        self.signed(b, height, index, coldkey, ("SubtensorModule", call),
                    lambda: b.event("SubtensorModule", name, attributes, index, "apply_extrinsic"))

    def subtensor_register_neuron(self, b: BlockBuilder, height: int, index: int) -> None:
        coldkey, hotkey = self.retail(), self.retail()
        netuid, uid = self.rng.randrange(1, 40), self.rng.randrange(256)
        self.signed(b, height, index, coldkey, ("SubtensorModule", "burned_register"),
                    lambda: b.event("SubtensorModule", "NeuronRegistered", [netuid, uid, hotkey], index, "apply_extrinsic"))

    def subtensor_register_network(self, b: BlockBuilder, height: int, index: int) -> None:
        netuid, self.next_netuid = self.next_netuid, self.next_netuid + 1
        self.signed(b, height, index, self.who.choice(self.pool.heavy), ("SubtensorModule", "register_network"),
                    lambda: b.event("SubtensorModule", "NetworkAdded", [netuid, 0], index, "apply_extrinsic"))

    def subtensor_set_weights(self, b: BlockBuilder, height: int, index: int) -> None:
        netuid = self.rng.randrange(1, 40)
        self.signed(b, height, index, self.validator(), ("SubtensorModule", "set_weights"),
                    lambda: b.event("SubtensorModule", "WeightsSet", [netuid, self.rng.randrange(256)], index, "apply_extrinsic"))

    # ----- Polkadot ------------------------------------------------------------------------

    def payout_stakers(self, b: BlockBuilder, height: int, index: int) -> None:
        # Old runtimes: Staking.Reward [stash, amount]; newer: Staking.Rewarded {stash, dest, amount}.
        stashes = self.who.sample(self.pool.validators, self.rng.randint(2, 8)) + [self.retail() for _ in range(self.rng.randint(0, 4))]
        old = height < self.network.first_height + 150

        def events() -> None:
            for stash in stashes:
                amount = self.amount(height, 0.0, 3.0)
                if old:
                    b.event("Staking", "Reward", [stash, amount], index, "apply_extrinsic")
                else:
                    b.event("Staking", "Rewarded", {"stash": stash, "dest": {"Account": stash}, "amount": amount}, index, "apply_extrinsic")

        self.signed(b, height, index, self.retail(), ("Staking", "payout_stakers"), events)

    def crowdloan_contribute(self, b: BlockBuilder, height: int, index: int) -> None:
        who, fund, amount = self.retail(), self.rng.choice((2000, 2004, 2006, 2011, 2012)), self.amount(height, 0.7, 4.0)
        self.signed(b, height, index, who, ("Crowdloan", "contribute"),
                    lambda: b.event("Crowdloan", "Contributed", [who, fund, amount], index, "apply_extrinsic"))

    def auction_bid(self, b: BlockBuilder, height: int, index: int) -> None:
        bidder, para, amount = self.who.choice(self.pool.heavy), self.rng.choice((2000, 2004, 2006)), self.amount(height, 4.0, 6.5)
        first = self.rng.randrange(4, 12)
        self.signed(b, height, index, bidder, ("Auctions", "bid"),
                    lambda: b.event("Auctions", "BidAccepted", [bidder, para, amount, first, first + 7], index, "apply_extrinsic"))

    # ----- events outside extrinsics -------------------------------------------------------

    def initialization(self, b: BlockBuilder, height: int) -> None:
        family = self.network.family
        if family == "bittensor":
            for _ in range(self.rng.randint(0, 2)):  # coinbase emissions: [hotkey, amount]
                b.event("SubtensorModule", "EmissionReceived", [self.validator(), self.amount(height, -1.0, 1.5)], None, "initialization")
        if family in ("torus", "polkadot") and height % 50 == 7:
            self.treasury_award(b, height)

    def finalization(self, b: BlockBuilder, height: int) -> None:
        if self.network.family == "torus" and height % 20 == 0:  # era payout of the validators
            for stash in self.who.sample(self.pool.validators, 4):
                b.event("Staking", "Reward", {"stash": stash, "amount": self.amount(height, 0.0, 2.5)}, None, "finalization")

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


@dataclass
class GenerateSummary:
    blocks: int = 0
    events: int = 0
    extrinsics: int = 0
    bytes_written: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)


def open_output(path: Path) -> BinaryIO:
    """A binary writer that compresses by file extension, with no timestamps in the output."""
    raw = path.open("wb")
    if path.name.endswith(".gz"):
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=5, mtime=0)  # type: ignore[return-value]
    if path.name.endswith(".zst"):
        return zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=True)  # type: ignore[return-value]
    return raw


def generate(network_name: str, block_count: int, seed: int, out: Path, count_kinds: bool = False) -> GenerateSummary:
    network = get_network(network_name)
    if not out.name.endswith((".ndjson", ".ndjson.gz", ".ndjson.zst")):
        raise ValueError(f"{out}: the output name must end with .ndjson, .ndjson.gz or .ndjson.zst")
    summary = GenerateSummary()
    encoder = json.JSONEncoder(separators=(",", ":"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_output(out) as sink:
        buffer = io.StringIO()
        for block in StreamGenerator(network, seed).blocks(block_count):
            buffer.write(encoder.encode(block))
            buffer.write("\n")
            summary.blocks += 1
            summary.events += len(block["events"])
            summary.extrinsics += len(block["extrinsics"])
            if count_kinds:
                summary.events_by_kind.update(f"{e['module_id']}.{e['event_id']}" for e in block["events"])
            if buffer.tell() > 4 << 20:
                summary.bytes_written += _flush(buffer, sink)
        summary.bytes_written += _flush(buffer, sink)
    return summary


def _flush(buffer: io.StringIO, sink: BinaryIO) -> int:
    data = buffer.getvalue().encode()
    sink.write(data)
    buffer.seek(0)
    buffer.truncate()
    return len(data)
