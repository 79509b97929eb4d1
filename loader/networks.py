"""The networks the loader accepts, and what the generator needs to know about each.

Loading needs only the name (an unknown name is refused before anything is read); the rest
(address format, block time, decimals) shapes the synthetic streams of `generate`. The dbt side
keeps its own per-network settings in dbt_project.yml (vars: networks).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    name: str
    family: str  # which runtime's events: torus, bittensor, polkadot or generic
    ss58_prefix: int
    block_ms: int
    decimals: int
    first_height: int  # where generated streams start
    first_timestamp_ms: int


NETWORKS: dict[str, Network] = {
    n.name: n
    for n in (
        Network("torus", "torus", 42, 8_000, 18, 1_200_000, 1_735_689_600_000),
        Network("torus_testnet", "torus", 42, 8_000, 18, 400_000, 1_735_689_600_000),
        Network("bittensor", "bittensor", 42, 12_000, 9, 4_500_000, 1_735_689_600_000),
        Network("bittensor_testnet", "bittensor", 42, 12_000, 9, 3_000_000, 1_735_689_600_000),
        # Starts just before the redenomination at 1,248,328 (12 -> 10 decimals), so a
        # generated Polkadot stream of a few hundred blocks crosses it.
        Network("polkadot", "polkadot", 0, 6_000, 10, 1_248_128, 1_597_802_400_000),
        Network("kusama", "generic", 2, 6_000, 12, 20_000_000, 1_700_000_000_000),
        Network("westend", "generic", 42, 6_000, 12, 18_000_000, 1_700_000_000_000),
        Network("generic", "generic", 42, 6_000, 12, 1_000_000, 1_700_000_000_000),
    )
}

POLKADOT_REDENOMINATION_HEIGHT = 1_248_328


class UnknownNetworkError(ValueError):
    pass


def get_network(name: str) -> Network:
    try:
        return NETWORKS[name]
    except KeyError:
        known = ", ".join(sorted(NETWORKS))
        raise UnknownNetworkError(f"unknown network {name!r}; known networks: {known}") from None


def decimals_at(network: Network, height: int) -> int:
    if network.name == "polkadot" and height < POLKADOT_REDENOMINATION_HEIGHT:
        return 12
    return network.decimals
