"""Who takes part in a synthetic chain: fixed hubs, validators and a growing retail population.

A few fixed exchange-like hubs, heavy senders and validators/agents, and a retail population that
grows with the chain (RetailAccounts): the stream starts with 1,200 accounts, and a retail payee is
a brand-new account one time in twenty (NewAccount + Endowed), so the number of accounts grows in
step with the activity, as on a real chain. Retail accounts are grouped in communities that mostly
pay each other; an existing account is drawn in proportion to how often it has taken part so far
(heavy-tailed activity: a few busy accounts, a long tail seen once or twice) or, half the time,
among its community's recent participants (recently active accounts are the likely ones; the rest
go quiet). Who takes part is drawn from its own random stream, so the mix of kinds, amounts and
fees does not depend on the population.
"""

from __future__ import annotations

import hashlib
import random
from array import array
from dataclasses import dataclass

from loader.addresses import ss58_checksum
from loader.networks import Network

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
    data = payload + ss58_checksum(payload)
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
