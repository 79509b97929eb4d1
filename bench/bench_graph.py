"""Money-flow graph: build times on a synthetic graph, and quality against networkx.

    .venv/bin/python -m bench.bench_graph                      # 1,000,000 transfers
    .venv/bin/python -m bench.bench_graph --transfers 200000 --no-louvain

Synthetic transfers go straight into balance_transfers (the models upstream of it are built
empty first, so the money-flow models see exactly this table): communities of addresses that
mostly pay each other, a few very active members in each, 5% of transfers to 20 exchange-like
hubs, 3% emission rewards from the system counterparty 'emission'. Then the full refresh of every
money-flow model and of the address figures they read (`dbt run --select tag:money_flow
address_analytics int_analytics__address_days --full-refresh`, analytics included) is timed,
per model from dbt's run_results.json. Finally the communities are scored by modularity on the
undirected graph weighted by transfer count against networkx's Louvain on the same graph (goal:
at least 0.9 of it), and PageRank is compared with networkx.pagerank.
Goal on the 2-core reference machine: the full refresh in under 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import clickhouse_connect
import networkx as nx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLOWS = "substrate_flows"
# the edges and the per-address figures the graph's nodes and embeddings read
EDGE_MODELS = ("money_flow_edges", "int_analytics__address_days", "address_analytics")

# Deterministic pseudo-random draws per transfer number: u(k) is uniform in [0, 1).
SYNTHETIC_TRANSFERS = """
insert into {flows}.balance_transfers (
    network, block_height, event_index, extrinsic_index, extrinsic_id, event_idx, block_timestamp,
    block_time, from_address, to_address, asset, amount, fee, transfer_type, from_is_system,
    to_is_system, block_range_start, _version)
with
    (cityHash64(number, 1) % 1000000) / 1e6 as u1,
    (cityHash64(number, 2) % 1000000) / 1e6 as u2,
    (cityHash64(number, 3) % 1000000) / 1e6 as u3,
    (cityHash64(number, 4) % 1000000) / 1e6 as u4,
    (cityHash64(number, 5) % 1000000) / 1e6 as u5,
    (cityHash64(number, 6) % 1000000) / 1e6 as u6,
    toUInt64(floor({communities} * pow(u1, 1.3))) as community,
    community * {members} + toUInt64(floor({members} * pow(u2, 2))) as sender,
    multiIf(
        u4 < 0.80, community * {members} + toUInt64(floor({members} * pow(u3, 2))),
        u4 < 0.95, toUInt64(floor({communities} * u5)) * {members} + toUInt64(floor({members} * pow(u3, 2))),
        1000000000 + toUInt64(floor(20 * u3))) as receiver,
    u6 < 0.03 as is_emission,
    toUInt32(intDiv(number, 10)) as height,
    toDateTime64('2024-01-01 00:00:00', 3, 'UTC') + toIntervalSecond(height * 8) as time
select
    'torus', height, toUInt32(number % 10), toUInt32(0), concat(toString(height), '-0'),
    concat(toString(height), '-', toString(number % 10)), toUInt64(toUnixTimestamp64Milli(time)), time,
    if(is_emission, 'emission', concat('5', base58Encode(reinterpretAsString(cityHash64(sender, 7))))),
    concat('5', base58Encode(reinterpretAsString(cityHash64(receiver, 7)))),
    'TOR', toDecimal128(round(exp(3 * u5), 6), 18), toDecimal128(0, 18),
    if(is_emission, 'emission', 'transfer'), is_emission, false,
    toUInt32(intDiv(height, 1000000) * 1000000), toUInt64(1)
from numbers({transfers})
"""


def dbt(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Runs dbt; returns its wall time and its CPU time (user + system, all threads)."""
    started, cpu_before = time.perf_counter(), child_cpu_seconds()
    done = subprocess.run([str(BIN / "dbt"), *args, "--project-dir", str(REPO), "--profiles-dir", str(REPO)],
                          cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"dbt {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, child_cpu_seconds() - cpu_before


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def model_seconds(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}


def rows(chdb: Path, sql: str) -> list[tuple]:
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb))
    try:
        return [tuple(r) for r in client.query(sql).result_rows]
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transfers", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=2000, help="planted communities (default 2000)")
    parser.add_argument("--members", type=int, default=50, help="addresses per planted community (default 50)")
    parser.add_argument("--no-louvain", action="store_true", help="skip the networkx comparison (minutes)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_graph"))
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file (bench/run.py reads it)")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    chdb, target = args.work / "chdb", args.work / "target"
    chdb.mkdir(parents=True)
    env = {**os.environ, "FLOWS_CHDB_PATH": str(chdb), "DBT_TARGET_PATH": str(target),
           "DBT_LOG_PATH": str(args.work / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    from loader.schema import ensure_schema  # the raw tables the staging views read (left empty)
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb))
    ensure_schema(client, "substrate_raw")
    client.close()
    dbt(["run", "--select", "+tag:money_flow", "--exclude", "tag:money_flow"], env)  # empty, real schema
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb))
    started = time.perf_counter()
    client.command(SYNTHETIC_TRANSFERS.format(flows=FLOWS, transfers=args.transfers,
                                              communities=args.communities, members=args.members))
    client.close()
    print(f"synthetic balance_transfers: {args.transfers:,} rows in {time.perf_counter() - started:.1f} s")

    load_before = os.getloadavg()[0]
    wall, cpu = dbt(["run", "--select", "tag:money_flow", *EDGE_MODELS[1:], "--full-refresh"], env)
    seconds = model_seconds(target)
    edges, addresses = rows(chdb, f"select (select count() from {FLOWS}.money_flow_edges),"
                                  f" (select count() from {FLOWS}.int_money_flow__graph_nodes)")[0]
    communities = rows(chdb, f"select count() from {FLOWS}.money_flow_communities")[0][0]
    print(f"graph: {edges:,} edges, {addresses:,} addresses, {communities:,} communities")
    print("model times (s):")
    for name, value in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"  {name:45s} {value:7.2f}")
    edge_time = sum(seconds[name] for name in EDGE_MODELS)
    page_rank_time = seconds["int_money_flow__page_rank_links"] + seconds["int_money_flow__page_ranks"]
    community_time = sum(value for name, value in seconds.items() if "community_" in name or name.endswith("communities"))
    print(f"edges + address statistics build: {edge_time:.2f} s")
    print(f"PageRank (whole graph and per community): {page_rank_time:.2f} s")
    print(f"community detection: {community_time:.2f} s")
    print(f"full refresh, analytics included: {wall:.2f} s wall (dbt start-up included; goal < 60 s), "
          f"{cpu:.2f} s CPU on {os.cpu_count()} cores; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (other processes share the machine when it is above 0)")

    page_rank_difference = compare_page_rank(chdb)
    modularity = None if args.no_louvain else compare_modularity(chdb)
    if args.json:
        args.json.write_text(json.dumps({
            "transfers": args.transfers, "edges": edges, "addresses": addresses, "communities": communities,
            "edges_and_address_stats_seconds": edge_time, "page_rank_seconds": page_rank_time,
            "community_seconds": community_time, "models_seconds": sum(seconds.values()), "wall_seconds": wall,
            "page_rank_max_difference": page_rank_difference, "modularity": modularity}))
    return 0


def weighted_graphs(chdb: Path) -> tuple[nx.DiGraph, nx.Graph]:
    """The analytics graph as networkx sees it: directed by volume, undirected by transfer count."""
    directed, undirected = nx.DiGraph(), nx.Graph()
    for source, target, volume, count in rows(
            chdb, f"select source_key, target_key, volume, transfer_count from {FLOWS}.int_money_flow__graph_links"):
        directed.add_edge(source, target, weight=volume)
        previous = undirected.get_edge_data(source, target, {"weight": 0})["weight"]
        undirected.add_edge(source, target, weight=previous + count)
    return directed, undirected


def compare_page_rank(chdb: Path) -> float:
    directed, _ = weighted_graphs(chdb)
    started = time.perf_counter()
    reference = nx.pagerank(directed, weight="weight")
    took = time.perf_counter() - started
    ours = dict(rows(chdb, f"select node_key, page_rank from {FLOWS}.int_money_flow__page_ranks"
                           " where graph_scope = 'network'"))
    worst = max(abs(reference[node] - ours[node]) for node in reference)
    print(f"PageRank vs networkx.pagerank ({took:.1f} s there): max |difference| {worst:.2e} over {len(reference):,} nodes")
    return worst


def compare_modularity(chdb: Path) -> dict[str, float]:
    _, undirected = weighted_graphs(chdb)
    members: dict[int, set[int]] = {}
    for node, community in rows(chdb, f"select node_key, community_id from {FLOWS}.int_money_flow__communities"):
        members.setdefault(community, set()).add(node)
    ours = nx.community.modularity(undirected, members.values(), weight="weight")
    started = time.perf_counter()
    louvain = nx.community.louvain_communities(undirected, weight="weight", seed=42)
    took = time.perf_counter() - started
    reference = nx.community.modularity(undirected, louvain, weight="weight")
    print(f"modularity: ours {ours:.4f} ({len(members):,} communities), networkx Louvain {reference:.4f} "
          f"({len(louvain):,} communities, {took:.0f} s): ratio {ours / reference:.3f} (goal >= 0.9)")
    return {"ours": ours, "louvain": reference, "ratio": ours / reference, "communities": len(members),
            "louvain_communities": len(louvain), "louvain_seconds": took}


if __name__ == "__main__":
    raise SystemExit(main())
