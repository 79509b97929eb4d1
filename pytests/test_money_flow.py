"""The money-flow graph end to end on a fixture world, checked against exact values and against
networkx as an independent reference: raw rows -> dbt build (+tag:money_flow) once per module,
then edges, account figures, entities and labels, PageRank (whole graph and per community),
communities, shortest paths and the other query patterns (macros and analyses), and a hostile
address that must find nothing and break nothing.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import clickhouse_connect
import networkx as nx
import pytest

from conftest import account, named, query, run_dbt
from money_flow_support import (
    FLOWS, Block, Event, Transfer, blocks_of, block_time, expected_address_stats, expected_edges, load_blocks)

pytestmark = pytest.mark.slow

GENESIS = "5C5Bv3GhFde9HwTb8gQEHXrpPV3iFGLL4pTSEdVpHG9RSFgJ"  # 739.44177341 TOR at genesis
HOSTILE = "x' OR 1=1 --"
ESCAPED = HOSTILE.replace("'", "\\'")  # as a Jinja string literal


# Valid accounts under readable names (conftest.named maps them back in assertions).
A, B, C, D, E, F, G, H, I, J = (account(name) for name in "ABCDEFGHIJ")  # Torus accounts
HK_A, HK_B, HK_C = (account(f"HK_{name}") for name in "ABC")  # Bittensor hotkeys
OWNER_X, OWNER_Y = account("OWNER_X"), account("OWNER_Y")  # signers who added subnets
S, P, Q, T, X = (account(name) for name in "SPQTX")  # the hand-made path network


def tor(network: str, height: int, sender: str, receiver: str, amount: str) -> Transfer:
    return Transfer(network, height, sender, receiver, Decimal(amount))


# Torus: two groups {A, B, C} and {D, E, F} joined by one small transfer C -> D, a dangling
# receiver G, a self-transfer B -> B, and a second component {H, I, J, genesis account}.
TORUS = [
    tor("torus", 1, A, B, "2"), tor("torus", 1, B, C, "3"), tor("torus", 1, C, A, "1"),
    tor("torus", 2, A, B, "3"), tor("torus", 2, A, C, "2"), tor("torus", 2, C, B, "4"),
    tor("torus", 2, B, B, "1"), tor("torus", 3, C, D, "0.5"),
    tor("torus", 3, D, E, "6"), tor("torus", 3, E, F, "2"), tor("torus", 3, F, D, "1"),
    tor("torus", 4, E, D, "1"), tor("torus", 4, F, E, "3"), tor("torus", 4, F, G, "2"),
    tor("torus", 5, H, I, "4"), tor("torus", 5, I, H, "1"), tor("torus", 5, I, J, "2"),
    tor("torus", 6, GENESIS, H, "1.000000000000000001"),
]
# Bittensor: emission (a system counterparty) and a legacy stake (unknown coldkey '').
BITTENSOR = [
    tor("bittensor", 101, "emission", HK_A, "1"),
    tor("bittensor", 101, "", HK_B, "5"),
    tor("bittensor", 102, HK_A, HK_B, "0.25"),
]


def world_blocks() -> list[Block]:
    blocks = blocks_of(TORUS)
    blocks += [
        Block("torus", 50, [Event("Torus0", "AgentRegistered", A)]),
        Block("torus", 51, [Event("Torus0", "AgentRegistered", [H])]),  # positional form
        Block("torus", 52, [Event("Torus0", "AgentRegistered", A)]),
        Block("bittensor", 100, [
            Event("SubtensorModule", "NetworkAdded", [1, 0], 0),
            Event("SubtensorModule", "NeuronRegistered", [1, 0, HK_A], 1),
            Event("SubtensorModule", "NeuronRegistered", [1, 1, HK_B], 1),
        ], signers={0: OWNER_X}),
        Block("bittensor", 101, [
            Event("SubtensorModule", "NeuronRegistered", [1, 0, HK_C], 0),
            Event("SubtensorModule", "EmissionReceived", [HK_A, 10**9], None),
            Event("SubtensorModule", "StakeAdded", [HK_B, 5 * 10**9], 1),
        ]),
        Block("bittensor", 102, [
            Event("SubtensorModule", "NetworkRemoved", 1, None),
            Event("SubtensorModule", "NetworkAdded", [2, 0], None),
            Event("Balances", "Transfer", {"from": HK_A, "to": HK_B, "amount": 250_000_000}, 0),
        ]),
        Block("bittensor", 103, [Event("SubtensorModule", "NetworkAdded", [1, 0], 0)], signers={0: OWNER_Y}),
    ]
    return blocks


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chdb = tmp_path_factory.mktemp("money_flow") / "chdb"
    chdb.mkdir()
    load_blocks(chdb, world_blocks(), load_id=1)
    run_dbt(["build", "--select", "+tag:money_flow", "--indirect-selection", "cautious"], chdb)
    return chdb


def utc_naive(height: int) -> datetime:
    """A block's time as the chDB client returns DateTime64(3, 'UTC'): naive, in UTC."""
    return block_time(height).replace(tzinfo=None)


def directed_graph(transfers: list[Transfer]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for t in transfers:
        if t.sender and t.receiver:
            previous = graph.get_edge_data(t.sender, t.receiver, {"weight": 0.0})["weight"]
            graph.add_edge(t.sender, t.receiver, weight=previous + float(t.amount))
    return graph


def query_all(chdb: Path, sqls: list[str]) -> list[list[tuple[Any, ...]]]:
    """Rows of several queries through one client (opening chDB costs more than a query)."""
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb))
    try:
        return [[tuple(row) for row in client.query(sql).result_rows] for sql in sqls]
    finally:
        client.close()


def command(chdb: Path, sql: str) -> None:
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb))
    try:
        client.command(sql)
    finally:
        client.close()


def compile_queries(chdb: Path, calls: list[str]) -> list[str]:
    """Compiles several macro calls in one dbt invocation; returns one SQL text per call."""
    marker = "-- money_flow_query_end"
    template = "".join(f"{{{{ {call} }}}}\n{marker}\n" for call in calls)
    done = run_dbt(["compile", "--quiet", "--inline", template], chdb)
    return [sql.strip() for sql in done.stdout.split(marker)[:len(calls)]]


def shortest_path_pairs() -> list[tuple[str, str]]:
    nodes = sorted(directed_graph(TORUS))
    return [(s, t) for s in nodes for t in nodes if s != t]


EXPLORE_CALLS = [f"money_flow_explore_sql('torus', '{A}, {H}', '{d}', 'TOR', {k}, 1000)"
                 for d in ("out", "in", "both") for k in (1, 2)]
HOSTILE_CALLS = [
    f"money_flow_shortest_path_sql('torus', '{ESCAPED}', '{A}', '', 6)",
    f"money_flow_shortest_path_sql('torus', '{A}', '{B}', '{ESCAPED}', 6)",
    f"money_flow_explore_sql('torus', '{ESCAPED}', 'both', '', 3, 100)",
    f"money_flow_explore_sql('{ESCAPED}', '{A}', 'both', '', 3, 100)",
    f"money_flow_community_top_sql('torus', '', '{ESCAPED}', 10)",
    f"money_flow_high_value_sql('torus', '{ESCAPED}', '0', 10)",
    f"money_flow_similar_sql('torus', '{ESCAPED}', 10)",
    f"money_flow_similar_sql('torus', '{A}\\\\', 10)",  # an account and a backslash
]
# the money_flow_edges columns the hand-made edges of the path tests set (flow_type is left at its
# default; the tests delete these edges again)
EDGE_COLUMNS = ("network, from_address, to_address, asset, total_volume, transfer_count, first_activity_at, "
                "last_activity_at, first_block, last_block, transfer_types, "
                "from_is_system, to_is_system, _version")
PATHNET_CALLS = [
    f"money_flow_shortest_path_sql('pathnet', '{S}', '{T}', 'TOR', 6)",
    f"money_flow_shortest_path_sql('pathnet', '{S}', '{T}', '', 6)",
    f"money_flow_shortest_path_sql('pathnet', '{S}', '{T}', 'TOR', 2)",
    f"money_flow_explore_sql('torus', '{A}', 'both', '', 3, 2)",
]


@pytest.fixture(scope="module")
def compiled(world: Path) -> dict[str, str]:
    """Every query macro call the tests run, compiled in one dbt invocation."""
    calls = [f"money_flow_shortest_path_sql('torus', '{s}', '{t}', 'TOR', 6)" for s, t in shortest_path_pairs()]
    calls += EXPLORE_CALLS + HOSTILE_CALLS + PATHNET_CALLS
    return dict(zip(calls, compile_queries(world, calls)))


def test_edges_equal_the_transfers_aggregated(world: Path) -> None:
    rows = query(world, f"""
        select network, from_address, to_address, asset, total_volume, transfer_count,
               first_block, last_block
        from {FLOWS}.money_flow_edges order by network, from_address, to_address, asset""")
    assert rows == expected_edges(TORUS + BITTENSOR)
    times = query(world, f"""select first_activity_at, last_activity_at, transfer_types, from_is_system
        from {FLOWS}.money_flow_edges where network = 'bittensor' and from_address = 'emission'""")
    assert times == [(utc_naive(101), utc_naive(101), ["emission"], True)]


def test_addresses_take_the_account_figures_of_address_analytics(world: Path) -> None:
    rows = query(world, f"""
        select network, address, transfer_count, sent_count, received_count, self_transfer_count, sent_volume,
               received_volume, received_from_system_count, received_from_system_volume, sent_to_system_count,
               sent_to_system_volume, unique_senders, unique_receivers, unique_counterparties, first_block, last_block
        from {FLOWS}.money_flow_addresses where transfer_count is not null order by network, address""")
    assert rows == expected_address_stats(TORUS + BITTENSOR)
    # B: A -> B twice, B -> C, C -> B and the self-transfer B -> B, which is one transfer (sent and
    # received), and B is not its own counterparty.
    assert [r[2:6] + r[12:15] for r in rows if r[1] == B] == [(5, 2, 4, 1, 2, 1, 2)]
    # HK_A's emission reward counts in its figures and in its own columns.
    assert [r[7:12] for r in rows if r[1] == HK_A] == [(Decimal(1), 1, Decimal(1), 0, Decimal(0))]
    # The graph's nodes that are no account keep a row, with NULL account figures.
    assert query(world, f"""
        select network, address, labels, is_system, address_type, transfer_count, sent_volume, unique_counterparties,
               first_activity_at, community_id is not null, length(network_embedding)
        from {FLOWS}.money_flow_addresses where is_system or address = '' order by network, address""") == [
        ("bittensor", "", ["unknown"], False, None, None, None, None, None, False, 0),
        ("bittensor", "emission", ["system"], True, None, None, None, None, None, True, 0)]


def test_entities_and_labels(world: Path) -> None:
    assert sorted(named(query(world, f"""select network, address, registration_count, first_registered_block_height,
        last_registered_block_height from {FLOWS}.money_flow_agents"""))) == [
        ("torus", "A", 2, 50, 52), ("torus", "H", 1, 51, 51)]
    assert query(world, f"""select genesis_amount, genesis_amount_planck from {FLOWS}.money_flow_genesis_accounts
        where address = '{GENESIS}'""") == [(Decimal("739.44177341"), "739441773410000000000")]
    assert query(world, f"select count(), sum(genesis_amount) from {FLOWS}.money_flow_genesis_accounts") == [
        (592, Decimal("65786961.454650542"))]
    assert named(query(world, f"""select netuid, neuron_uid, owner_address, registration_count,
        last_registered_block_height from {FLOWS}.money_flow_neurons order by netuid, neuron_uid""")) == [
        (1, 0, "HK_C", 2, 101), (1, 1, "HK_B", 1, 100)]
    assert sorted(named(query(world, f"""select owner_address, netuid, neuron_uid, is_current_owner
        from {FLOWS}.money_flow_neuron_owners"""))) == [
        ("HK_A", 1, 0, False), ("HK_B", 1, 1, True), ("HK_C", 1, 0, True)]
    assert named(query(world, f"""select netuid, label, creation_count, is_active, removed_at, created_block_height,
        first_created_at, creator_address from {FLOWS}.money_flow_subnets order by netuid""")) == [
        (1, "subnet_1", 2, True, None, 103, utc_naive(100), "OWNER_Y"),
        (2, "subnet_2", 1, True, None, 102, utc_naive(102), "")]
    assert named(query(world, f"""select creator_address, netuid, created_block_height
        from {FLOWS}.money_flow_subnet_creators order by created_block_height""")) == [
        ("OWNER_X", 1, 100), ("OWNER_Y", 1, 103)]
    labels = named(dict(query(world, f"""select address, labels from {FLOWS}.money_flow_addresses
        where notEmpty(labels) and address not in (select address from {FLOWS}.money_flow_genesis_accounts)""")))
    assert labels == {
        "A": ["agent"], "H": ["agent"], "emission": ["system"], "": ["unknown"],
        "HK_A": ["neuron_owner", "neuron_owner_sn1"], "HK_B": ["neuron_owner", "neuron_owner_sn1"],
        "HK_C": ["neuron_owner", "neuron_owner_sn1"], "OWNER_X": ["subnet_creator", "subnet_creator_sn1"],
        "OWNER_Y": ["subnet_creator", "subnet_creator_sn1"]}
    assert query(world, f"""select labels, transfer_count, first_block
        from {FLOWS}.money_flow_addresses where address = '{GENESIS}'""") == [(["genesis"], 1, 6)]


def test_page_rank_equals_networkx(world: Path) -> None:
    """Whole graph (weights, a dangling node, a self-loop, two components) and every community."""
    ranks = query(world, f"""
        select nodes.network, nodes.address, ranks.graph_scope, ranks.page_rank
        from {FLOWS}.int_money_flow__page_ranks as ranks
        inner join {FLOWS}.int_money_flow__graph_nodes as nodes on ranks.node_key = nodes.node_key""")
    communities = query(world, f"select network, address, community_id from {FLOWS}.int_money_flow__communities")
    for network, transfers in (("torus", TORUS), ("bittensor", BITTENSOR)):
        graph = directed_graph(transfers)
        ours = {address: rank for net, address, scope, rank in ranks if net == network and scope == "network"}
        reference = nx.pagerank(graph, alpha=0.85, weight="weight")
        assert ours.keys() == reference.keys()
        assert max(abs(ours[a] - reference[a]) for a in reference) < 1e-6
        members: dict[int, list[str]] = {}
        for net, address, community in communities:
            if net == network:
                members.setdefault(community, []).append(address)
        ours = {address: rank for net, address, scope, rank in ranks if net == network and scope == "community"}
        for group in members.values():
            reference = nx.pagerank(graph.subgraph(group), alpha=0.85, weight="weight")
            assert max(abs(ours[a] - reference[a]) for a in group) < 1e-6


def test_communities_find_the_groups(world: Path) -> None:
    rows = query(world, f"select network, address, community_id from {FLOWS}.int_money_flow__communities")
    groups: dict[tuple[str, int], set[str]] = {}
    for network, address, community in named(rows):
        groups.setdefault((network, community), set()).add(address)
    assert sorted(sorted(g) for (network, _), g in groups.items() if network == "torus") == [
        [GENESIS, "H", "I", "J"], ["A", "B", "C"], ["D", "E", "F", "G"]]
    sizes = query(world, f"select community_size from {FLOWS}.money_flow_communities where network = 'torus'")
    assert sorted(size for size, in sizes) == [3, 4, 4]


def test_embeddings_are_float32_feature_vectors(world: Path) -> None:
    rows = query(world, f"""select toTypeName(network_embedding), length(network_embedding), count()
        from {FLOWS}.int_money_flow__address_analytics group by 1, 2 order by 2""")
    # Accounts: Torus A to J and the genesis account, bittensor HK_A and HK_B; the system
    # counterparty emission is a node without account figures ('' is no node).
    assert rows == [("Array(Float32)", 0, 1), ("Array(Float32)", 13, 11 + 2)]


def test_shortest_paths_equal_networkx(world: Path, compiled: dict[str, str]) -> None:
    graph = directed_graph(TORUS)
    pairs = shortest_path_pairs()
    results = query_all(world, [
        compiled[f"money_flow_shortest_path_sql('torus', '{source}', '{target}', 'TOR', 6)"] for source, target in pairs])
    for (source, target), hops in zip(pairs, results):
        path = [hops[0][1], *(hop[2] for hop in hops)] if hops else None
        if nx.has_path(graph, source, target):
            assert path == min(nx.all_shortest_paths(graph, source, target)), (source, target)
        else:
            assert path is None, (source, target)


def test_shortest_path_filters_the_asset_during_the_search(world: Path, compiled: dict[str, str]) -> None:
    """S -> T is 2 hops through XYZ edges but 3 hops through TOR edges: filtering TOR after the
    search would find nothing, filtering during the search finds the 3-hop path."""
    edges = [(S, X, "XYZ"), (X, T, "XYZ"), (S, P, "TOR"), (P, Q, "TOR"), (Q, T, "TOR")]
    values = ", ".join(
        f"('pathnet', '{a}', '{b}', '{asset}', 1, 1, now64(3, 'UTC'), now64(3, 'UTC'), 1, 1, [], false, false, 0)"
        for a, b, asset in edges)
    command(world, f"insert into {FLOWS}.money_flow_edges ({EDGE_COLUMNS}) values {values}")
    try:
        tor_path, any_path, none_path = (compiled[call] for call in PATHNET_CALLS[:3])
        assert [named(r[:4]) for r in query(world, tor_path)] == [
            (1, "S", "P", "TOR"), (2, "P", "Q", "TOR"), (3, "Q", "T", "TOR")]
        assert [named(r[:4]) for r in query(world, any_path)] == [(1, "S", "X", "XYZ"), (2, "X", "T", "XYZ")]
        assert query(world, none_path) == []  # max_depth 2 along TOR edges
    finally:
        command(world, f"delete from {FLOWS}.money_flow_edges where network = 'pathnet'")


def test_explore_k_hops_equals_networkx(world: Path, compiled: dict[str, str]) -> None:
    graph = directed_graph(TORUS)
    starts = [A, H]
    for call in EXPLORE_CALLS:
        direction, depth = re.search(r"'(out|in|both)', 'TOR', (\d)", call).groups()
        view = {"out": graph, "in": graph.reverse(), "both": graph.to_undirected(as_view=True)}[direction]
        near = {n for s in starts for n, d in nx.single_source_shortest_path_length(view, s).items()
                if d < int(depth)}
        expected = {(a, b) for a, b in graph.edges
                    if (direction != "in" and a in near) or (direction != "out" and b in near)}
        rows = query(world, compiled[call])
        assert {(r[1], r[2]) for r in rows} == expected, call
        assert all(r[3] == "TOR" for r in rows)
    assert len(query(world, compiled[PATHNET_CALLS[3]])) == 2  # the row cap


def test_analyses_compile_for_bi_tools(world: Path) -> None:
    run_dbt(["compile", "--select", "money_flow_high_value", "money_flow_similar", "money_flow_community_top", "--vars",
             f"{{asset: TOR, min_volume: '3', max_rows: 3, address: {D}, network: torus}}"], world)
    compiled = world.parent / "target" / "compiled" / "substrate_flows" / "analyses"
    high_value = query(world, (compiled / "money_flow_high_value.sql").read_text())
    tied = min((C, "C", "B"), (H, "H", "I"))[1:]  # both 4: the smaller sender address first
    assert [named((r[0], r[1], r[3], r[4], r[5])) for r in high_value] == [
        ("D", "E", Decimal(6), 1, Decimal(6)), ("A", "B", Decimal(5), 2, Decimal("2.5")),
        (*tied, Decimal(4), 1, Decimal(4))]
    similar = query(world, (compiled / "money_flow_similar.sql").read_text())
    assert len(similar) == 3 and all(r[0] != D for r in similar)
    assert [r[1] for r in similar] == sorted(r[1] for r in similar)
    top = query(world, (compiled / "money_flow_community_top.sql").read_text())
    assert named({r[0] for r in top}) <= {"D", "E", "F", "G"} and len(top) == 3
    assert [r[1] for r in top] == sorted((r[1] for r in top), reverse=True)


def run_operation(chdb: Path, macro: str, args: dict[str, Any]) -> tuple[int, list[str]]:
    """Exit status and stdout lines of `dbt run-operation macro --args args` (JSON is YAML)."""
    done = run_dbt(["run-operation", macro, "--args", json.dumps(args)], chdb, check=False)
    return done.returncode, done.stdout.splitlines()


def printed_table(lines: list[str]) -> list[list[str]]:
    """The cells of the table a money-flow run-operation printed, header first, rule row left out."""
    table = [line for line in lines if line.startswith("|")]
    assert len({len(line) for line in table}) == 1, "the columns are not aligned"
    cells = [[cell.strip() for cell in line.split("|")[1:-1]] for line in table]
    assert all(set(rule) == {"-"} for rule in cells[1])
    return cells[:1] + cells[2:]


def test_run_operation_prints_every_value_exactly(world: Path) -> None:
    status, lines = run_operation(world, "money_flow_shortest_path",
                                  {"source_address": GENESIS, "target_address": J, "asset": "TOR"})
    assert status == 0 and f"Shortest path {GENESIS} -> {J}: 3 row(s)" in lines
    assert named(printed_table(lines)) == [
        ["hop", "from_address", "to_address", "asset", "total_volume", "transfer_count"],
        ["1", GENESIS, "H", "TOR", "1.000000000000000001", "1"],
        ["2", "H", "I", "TOR", "4", "1"],
        ["3", "I", "J", "TOR", "2", "1"]]
    # 64-bit community ids and Float64 ranks as the database holds them, not rounded
    status, lines = run_operation(world, "money_flow_similar", {"address": A, "max_rows": 3})
    header, *rows = printed_table(lines)
    assert status == 0 and header == ["address", "cosine_distance", "community_id", "page_rank", "transfer_count",
                                      "labels"]
    stored = {address: (str(community), Decimal(repr(rank))) for address, community, rank in query(world, f"""
        select address, community_id, page_rank from {FLOWS}.money_flow_addresses where page_rank is not null""")}
    assert len(rows) == 3 and all((row[2], Decimal(row[3])) == stored[row[0]] for row in rows)
    assert max(int(row[2]) for row in rows) > 2**53  # beyond what a float holds exactly


# (macro, arguments, printed line): a string is only ever a value, a number outside its range or
# a missing required parameter stops the operation with one message naming it.
HOSTILE_RUN_OPERATIONS = [
    ("money_flow_similar", {"address": HOSTILE}, f"Addresses similar to {HOSTILE}: 0 row(s)"),
    ("money_flow_shortest_path", {"source_address": A, "target_address": B, "asset": "TOR' OR '1'='1"},
     f"Shortest path {A} -> {B}: 0 row(s)"),
    ("money_flow_explore", {"addresses": A, "max_depth": "1; drop table x"},
     "money flow: max_depth must be a whole number from 1 to 10, got 1; drop table x"),
    ("money_flow_shortest_path", {"source_address": A, "target_address": B, "max_depth": 1_000_000},
     "money flow: max_depth must be a whole number from 1 to 20, got 1000000"),
    ("money_flow_high_value", {"max_rows": -5}, "money flow: max_rows must be a whole number from 1 to 100000, got -5"),
    ("money_flow_similar", {"address": A, "max_rows": 0},
     "money flow: max_rows must be a whole number from 1 to 100000, got 0"),
    ("money_flow_high_value", {"min_volume": "0 or 1=1"},
     "money flow: min_volume must be a non-negative decimal number, got 0 or 1=1"),
    ("money_flow_explore", {"addresses": A, "direction": "sideways"},
     "money flow: direction must be one of out, in, both, got sideways"),
    ("money_flow_shortest_path", {"source_address": A}, "money flow: target_address is required"),
    ("money_flow_explore", {"addresses": " "}, "money flow: addresses is required"),
    ("money_flow_community_top", {}, "money flow: community_id or address is required"),
]


def test_hostile_parameters_find_nothing_and_break_nothing(world: Path, compiled: dict[str, str]) -> None:
    edges_before = query(world, f"select count() from {FLOWS}.money_flow_edges")
    for call, rows in zip(HOSTILE_CALLS, query_all(world, [compiled[call] for call in HOSTILE_CALLS])):
        assert rows == [], call
    for macro, args, message in HOSTILE_RUN_OPERATIONS:
        status, lines = run_operation(world, macro, args)
        if message.startswith("money flow: "):
            assert status == 1 and message in [line.strip() for line in lines], (macro, args, lines[-8:])
        else:
            assert status == 0 and message in lines and not any(line.startswith("|") for line in lines), (macro, args)
    assert query(world, f"select count() from {FLOWS}.money_flow_edges") == edges_before


def test_analytics_are_stable_from_run_to_run(world: Path) -> None:
    """Rebuilding the graph analytics on the same graph gives the same communities (their
    gains are sums of whole transfer counts, exact in any order) and the same ranks (up to
    float summation order)."""
    def analytics() -> list[tuple[Any, ...]]:
        return query(world, f"""select network, address, community_id, page_rank, community_page_rank
            from {FLOWS}.int_money_flow__address_analytics order by network, address""")

    before = analytics()
    run_dbt(["run", "--select", "tag:graph_analytics"], world)
    after = analytics()
    assert [row[:3] for row in after] == [row[:3] for row in before]
    assert max(abs(a - b) for old, new in zip(before, after) for a, b in zip(old[3:], new[3:])) < 1e-12
