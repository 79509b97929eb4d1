"""`substrate-loader fetch --node` and `follow --node` against a fake node on 127.0.0.1
(pytests/fake_node.py) that answers only from three real Polkadot blocks (data/node_rpc/): 789629
(runtime spec 16, metadata V11), 18468942 and 19772575 (spec 1000001, metadata V14).

The heights are far apart, so a "range" over real bytes is the list of these heights; a height
between them is one the node does not have. Expected values are read off Sidecar's own answers for
the same blocks (data/node_rpc/sidecar/*.json, recorded by Sidecar's tests, not by this code); each
constant says where it comes from.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BIN, query, run_dbt
from fake_node import FakeNode, recorded_blocks
from follow_support import batch_lines, follow
from loader.api import load_files
from loader.connection import connect
from loader.node.fetch import fetch_heights
from loader.node.reader import NodeReader

HEIGHTS = [789629, 18468942, 19772575]
SIDECAR = Path(__file__).parent / "data" / "node_rpc" / "sidecar"
RAW = "substrate_raw"
# Per block (blocks, extrinsics, events): len(extrinsics) and the events of onInitialize, every
# extrinsic and onFinalize in Sidecar's answers: 5 + 4 + 5 = 14 extrinsics, 76 + 58 + 81 = 215 events.
EXTRINSICS, EVENTS = 14, 215


@pytest.fixture
def node() -> Iterator[FakeNode]:
    with FakeNode(recorded_blocks()) as fake:
        yield fake


def fetch(chdb_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "substrate-loader"), "fetch", "--network", "polkadot", "--node", url,
               "--chdb-path", str(chdb_path), "--retry-delay", "0.05", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def counts(chdb_path: Path, database: str = RAW) -> tuple[Any, ...]:
    """blocks, extrinsics, events, and distinct (height, event_index): equal to events when nothing doubled."""
    return query(chdb_path, f"select (select count() from {database}.blocks), (select count() from "
                 f"{database}.extrinsics), count(), uniqExact(block_height, event_index) from {database}.events")[0]


def test_the_fake_node_hashes_blocks_as_the_chain_did() -> None:
    # The hash is blake2b-256 of the SCALE-encoded header; Sidecar's answers carry the chain's.
    for block in recorded_blocks():
        assert block.hash() == json.loads((SIDECAR / f"{block.height}.json").read_text())["hash"]


@pytest.mark.parametrize("transport", ["ws", "http"])
def test_node_blocks_land_exactly_as_the_same_blocks_through_sidecar(node: FakeNode, chdb_path: Path,
                                                                     transport: str) -> None:
    client = connect(chdb_path=chdb_path)
    try:
        load_files(client, "polkadot", [SIDECAR], database="via_sidecar")
        with NodeReader(node.ws_url if transport == "ws" else node.http_url) as reader:
            fetched = fetch_heights(client, "polkadot", reader, HEIGHTS, database="via_node")
    finally:
        client.close()
    assert fetched.failed is None and fetched.landed == [789629, 19772575]
    assert (fetched.summary.blocks, fetched.summary.extrinsics, fetched.summary.events) == (3, EXTRINSICS, EVENTS)
    columns = {  # every column but source, load_id and loaded_at
        "blocks": "network, block_height, block_hash, block_time, extrinsic_count, event_count",
        "extrinsics": "network, block_height, block_hash, block_time, extrinsic_index, extrinsic_hash, signer, "
                      "call_module, call_function, success, pays_fee",
        "events": "network, block_height, block_hash, block_time, extrinsic_index, event_index, phase, module_id, "
                  "event_id, attributes",
    }
    for table, names in columns.items():
        via_sidecar = query(chdb_path, f"select {names} from via_sidecar.{table} order by all")
        via_node = query(chdb_path, f"select {names} from via_node.{table} order by all")
        assert via_node == via_sidecar, table
        assert len(via_node) == {"blocks": 3, "extrinsics": EXTRINSICS, "events": EVENTS}[table]
    # Signers in Polkadot's SS58 format (0), also the pre-V14 one the library hands back as '0x' + SS58:
    # blocks789629.json extrinsics[3].signature.signer.
    assert query(chdb_path, "select signer, call_module, call_function, success, pays_fee from via_node.extrinsics "
                            "where block_height = 789629 and extrinsic_index = 3") == [
        ("143eus3Ki72VUJ9AWYsFEGvkUAjeFw8yMfTaSiuAEq3n8yZc", "Utility", "batch", True, True)]
    # u128 amounts exact, positional: 19772575.json extrinsics[4].events[1] (balances.Transfer).
    assert query(chdb_path, "select attributes from via_node.events where block_height = 19772575 "
                            "and event_index = 67") == [
        ('["1qnJN7FViy3HZaxZK9tGAA71zxHSBeUweirKqCaox4t8GT7","124JFcXYFAhNmVkUEuNNmGusSXMsLSB6d3fPCV5BbkaFUzbm",'
         '"29277534802400"]',)]


@pytest.mark.slow
def test_fetch_lands_the_exact_transfers_with_their_fees(node: FakeNode, chdb_path: Path) -> None:
    for height in HEIGHTS:
        done = fetch(chdb_path, node.ws_url, "--from", str(height), "--to", str(height))
        assert done.returncode == 0, done.stderr
        assert f"heights {height}-{height} landed: 1 blocks" in done.stderr
    run_dbt(["build", "--select", "+balance_transfers", "--indirect-selection", "cautious"], chdb_path)
    # The balances.Transfer data [from, to, amount] of 18468942.json extrinsics[2], [3] and 19772575.json
    # extrinsics[2], [3], [4] (a utility.batchAll of three), amounts in planck / 10^10 (DOT has 10 decimals
    # after block 1,248,328); the fee is data[1] (actual_fee) of the extrinsic's
    # transactionPayment.TransactionFeePaid, on its first transfer only.
    assert query(chdb_path, """
        select block_height, extrinsic_id, from_address, to_address, asset, toString(amount), toString(fee)
        from substrate_flows.balance_transfers where transfer_type = 'transfer' order by block_height, event_index
    """) == [
        (18468942, "18468942-2", "15gq3Ln9s8jVTyHqwX8WYf8Nwu3maJo946fCHDNS5ePFFZVq",
         "12y2M12CHhtZy583XyiaXj2tAHB9bj4PxEazyErDp7yGjfFM", "DOT", "17.6556075744", "0.0157130969"),
        (18468942, "18468942-3", "12FLicyoTAPLCVv6WgMDBRmezuZqCDKSwjDhXj7cSEe19Asq",
         "12nr7GiDrYHzAYT9L8HdeXnMfWcBuYfAXpgfzf3upujeCciz", "DOT", "349.9841869031", "0.0158130969"),
        (19772575, "19772575-2", "16Xuv8TZpqSP9iSxquSJ9CQDfnJink7tFFNg8YYLqE5DiXkn",
         "1pNEBqhMUrv8YLiVWg3aHkbG2UvegxkhfWJV6Wdy9QfvQE4", "DOT", "20.9894644", "0.0160099813"),
        (19772575, "19772575-3", "12yntDQ2wfmzfNC7SFPCF7ZgZVQk4Aniw6uznbUfLHPTnKk9",
         "13Zvf1nZMse4J7rDQC7JBcq97R2jZ3HYK6qip9VaJNzjL7Tq", "DOT", "20", "0.0157174437"),
        (19772575, "19772575-4", "1qnJN7FViy3HZaxZK9tGAA71zxHSBeUweirKqCaox4t8GT7",
         "124JFcXYFAhNmVkUEuNNmGusSXMsLSB6d3fPCV5BbkaFUzbm", "DOT", "2927.75348024", "0.025066057"),
        (19772575, "19772575-4", "1qnJN7FViy3HZaxZK9tGAA71zxHSBeUweirKqCaox4t8GT7",
         "15DA59hCHZ7RNps74GLSJH3shYj4MBEnoBAUSedyFXkVHpdz", "DOT", "161.758", "0"),
        (19772575, "19772575-4", "1qnJN7FViy3HZaxZK9tGAA71zxHSBeUweirKqCaox4t8GT7",
         "11Cqq59nskLbjrjAiUyHZTgKcYh1gb1VPKyGQJxME9wCPJh", "DOT", "120.02", "0"),
    ]
    # 789629 (before the redenomination: 12 decimals) has the 65 staking.Reward events [stash, amount]
    # of its utility.batch of payoutStakers (blocks789629.json extrinsics[3]): 35 of them 0, to 8
    # stashes, 297830088857893 planck in all. Its runtime has no TransactionFeePaid: no fee is known.
    assert query(chdb_path, """
        select count(), countIf(amount = 0), uniqExact(to_address), toString(sum(amount)), toString(sum(fee))
        from substrate_flows.balance_transfers where block_height = 789629""") == [(65, 35, 8, "297.830088857893", "0")]


@pytest.mark.slow
def test_follow_node_lands_up_to_the_finalized_head_and_runs_dbt(node: FakeNode, chdb_path: Path) -> None:
    done = follow(chdb_path, "--network", "polkadot", "--node", node.ws_url, "--once", "--from-height", "19772575")
    assert done.returncode == 0, done.stderr
    # 19772575.json: 81 events; its 5 balances.Transfer events are the block's transfers.
    assert batch_lines(done.stderr) == [("heights 19772575-19772575", "1 blocks, 81 events, 5 transfers")]
    assert "caught up (lag 0 blocks (head 19772575))" in done.stderr
    assert query(chdb_path, f"select argMax(next_height, checkpoint_id) from {RAW}.follow_checkpoints") == [(19772576,)]
    assert node.behaviour.calls["chain_getFinalizedHead"] >= 1


def test_node_down_at_start_is_a_clear_error(node: FakeNode, chdb_path: Path) -> None:
    node.stop()
    done = fetch(chdb_path, node.ws_url, "--from", "19772575", "--retries", "2")
    assert done.returncode == 2
    assert (f"error: node {node.ws_url} unavailable: ConnectionRefusedError" in done.stderr
            and "(gave up after 3 attempts)" in done.stderr), done.stderr
    assert done.stderr.count("retry ") == 2
    assert query(chdb_path, f"select count() from {RAW}.blocks") == [(0,)]


def test_a_dropped_connection_is_reconnected_and_nothing_doubles(node: FakeNode, chdb_path: Path) -> None:
    node.behaviour.drop_after = 9  # the start (2 requests), 789629 (5), then amid 18468942's requests
    client = connect(chdb_path=chdb_path)
    try:
        with NodeReader(node.ws_url, concurrency=1, retries=3, retry_delay=0.05) as reader:
            fetched = fetch_heights(client, "polkadot", reader, HEIGHTS)
    finally:
        client.close()
    assert fetched.failed is None and fetched.summary.blocks == 3
    assert node.behaviour.connections == 2
    assert counts(chdb_path) == (3, EXTRINSICS, EVENTS, EVENTS)


def test_a_node_lost_mid_range_stops_there_and_a_rerun_resumes(node: FakeNode, chdb_path: Path) -> None:
    node.behaviour.unreachable.add(19772575)  # asking for its hash closes the connection, every time
    client = connect(chdb_path=chdb_path)
    try:
        with NodeReader(node.ws_url, retries=1, retry_delay=0.05) as reader:
            fetched = fetch_heights(client, "polkadot", reader, HEIGHTS, batch_blocks=1)
            assert fetched.landed == [789629, 18468942] and fetched.failed is not None
            assert str(fetched.failed).startswith(f"height 19772575: node {node.ws_url} unavailable")
            assert counts(chdb_path) == (2, 9, 134, 134)  # 5 + 4 extrinsics, 76 + 58 events
            node.behaviour.unreachable.clear()
            again = fetch_heights(client, "polkadot", reader, HEIGHTS)
        assert (again.summary.blocks, again.summary.skipped) == (1, 2)  # the two landed before are not doubled
    finally:
        client.close()
    assert counts(chdb_path) == (3, EXTRINSICS, EVENTS, EVENTS)


def test_the_command_stopped_by_a_lost_node_resumes_when_run_again(node: FakeNode, chdb_path: Path) -> None:
    assert fetch(chdb_path, node.ws_url, "--from", "18468942", "--to", "18468942").returncode == 0
    node.behaviour.unreachable.add(19772575)
    done = fetch(chdb_path, node.ws_url, "--from", "19772575", "--retries", "1")
    assert done.returncode == 3
    assert f"stopped at height 19772575: node {node.ws_url} unavailable" in done.stderr
    assert "Run the same command again to resume there." in done.stderr
    node.behaviour.unreachable.clear()
    done = fetch(chdb_path, node.ws_url, "--from", "19772575")
    assert done.returncode == 0 and "heights 19772575-19772575 landed: 1 blocks" in done.stderr
    done = fetch(chdb_path, node.ws_url, "--from", "18468942", "--to", "18468942")
    assert done.returncode == 0 and "heights 18468942-18468942 are loaded already" in done.stderr
    assert counts(chdb_path) == (2, 9, 139, 139)  # 4 + 5 extrinsics, 58 + 81 events


def test_a_height_the_node_does_not_have_stops_the_fetch_naming_it(node: FakeNode, chdb_path: Path) -> None:
    done = fetch(chdb_path, node.ws_url, "--from", "18468942", "--to", "18468943")
    assert done.returncode == 3
    assert "stopped at height 18468943: the node has no block at this height" in done.stderr
    assert query(chdb_path, f"select block_height from {RAW}.blocks") == [(18468942,)]
    done = fetch(chdb_path, node.ws_url, "--from", "19772575", "--to", "19772576")
    assert done.returncode == 2 and "--to 19772576 is above the node's finalized head 19772575" in done.stderr


def test_a_block_whose_state_the_node_pruned_is_named(node: FakeNode) -> None:
    node.behaviour.pruned.add(19772575)
    with NodeReader(node.ws_url, workers=0) as reader:
        read = reader.read(HEIGHTS)
    assert [height for height, _line in read.lines] == [789629, 18468942]
    assert str(read.failed).startswith("height 19772575: the node cannot serve the block's state (Client error: "
                                       "State already discarded for 0xbbb99b1d")
    assert "use an archive node" in str(read.failed)


def test_a_range_across_two_spec_versions_decodes_each_with_its_own_metadata(node: FakeNode) -> None:
    with NodeReader(node.http_url) as reader:  # worker processes decode
        read = reader.read(HEIGHTS)
    assert read.failed is None
    blocks = {height: json.loads(line) for height, line in read.lines}
    # One metadata fetch per spec version (16 and 1000001), at the parent of the first block of each.
    assert node.behaviour.calls["state_getMetadata"] == 2
    names = {height: [f"{e['module_id']}.{e['event_id']}" for e in block["events"]] for height, block in blocks.items()}
    # blocks789629.json: 65 staking.Reward events, no TransactionFeePaid (spec 16 has none).
    assert names[789629].count("Staking.Reward") == 65 and "TransactionPayment.TransactionFeePaid" not in names[789629]
    # 18468942.json extrinsics[2].events[7]: transactionPayment.TransactionFeePaid [who, actual_fee, tip].
    fee = blocks[18468942]["events"][names[18468942].index("TransactionPayment.TransactionFeePaid")]
    assert fee["attributes"] == ["15gq3Ln9s8jVTyHqwX8WYf8Nwu3maJo946fCHDNS5ePFFZVq", "157130969", "0"]
    assert fee["extrinsic_index"] == 2 and fee["phase"] == "apply_extrinsic"
    assert [len(names[h]) for h in HEIGHTS] == [76, 58, 81]
