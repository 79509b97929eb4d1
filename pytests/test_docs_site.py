"""The dbt docs site: generated with a real catalog, served on localhost, opened in headless Chromium.

The project is built on empty raw tables (the catalog needs the relations, not data), then
`dbt docs generate` writes the site. Chromium loads it like a reader would: a model page must show
its description and its columns with the catalog's types, and the site's own lineage graph (read
from its Angular `graph` service through a same-origin probe page) must lead from the raw sources
to every analytics mart through balance_transfers.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import clickhouse_connect
import pytest

from conftest import run_dbt
from loader.schema import ensure_schema

pytestmark = pytest.mark.slow

PROJECT = "substrate_flows"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
RAW_SOURCES = [f"source.{PROJECT}.chain.events", f"source.{PROJECT}.chain.blocks"]
ANALYTICS_MARTS = ["balance_transfers_statistics", "balance_transfers_daily_volume", "balance_transfers_volume_4h",
                   "balance_transfers_volume_trends", "network_activity_daily", "network_activity_weekly",
                   "network_activity_monthly", "address_analytics", "address_activity_daily", "address_activity_weekly",
                   "address_activity_monthly", "address_rolling_activity"]

# Same-origin page that waits for the docs app to build its lineage graph and prints it as JSON.
LINEAGE_PROBE = """<!doctype html>
<html><body><pre id="lineage">waiting</pre>
<iframe id="docs" src="index.html#!/overview" width="1200" height="800"></iframe>
<script>
function probe() {
  try {
    var site = document.getElementById("docs").contentWindow;
    var graph = site.angular.element(site.document.body).injector().get("graph").graph.pristine;
    if (!graph.dag) { throw "graph not built yet"; }
    var edges = [];
    Object.keys(graph.edges).forEach(function (target) {
      graph.edges[target].forEach(function (edge) { edges.push([edge.data.source, edge.data.target]); });
    });
    document.getElementById("lineage").textContent = JSON.stringify({nodes: Object.keys(graph.nodes), edges: edges});
  } catch (e) { setTimeout(probe, 100); }
}
probe();
</script></body></html>
"""


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Builds the project on empty raw tables, generates the docs, serves target/ on a free port."""
    chdb_path = tmp_path_factory.mktemp("docs") / "chdb"
    client = clickhouse_connect.get_client(interface="chdb", path=str(chdb_path))
    try:
        ensure_schema(client, "substrate_raw")
    finally:
        client.close()
    run_dbt(["build", "--exclude", "resource_type:test", "resource_type:unit_test"], chdb_path)
    run_dbt(["docs", "generate"], chdb_path)
    target = chdb_path.parent / "target"
    (target / "lineage_probe.html").write_text(LINEAGE_PROBE)

    handler = functools.partial(QuietHandler, directory=str(target))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield target, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


def rendered_text(url: str, user_data_dir: Path) -> str:
    """The page's DOM after its scripts ran, as text (scripts and styles dropped)."""
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`; "
                    "`make test` installs it) to test the docs site")
    done = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}",
                           "--virtual-time-budget=20000", "--dump-dom", url],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"chromium failed on {url}:\n{done.stderr[-3000:]}"
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", done.stdout, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_model_and_column_is_described(docs_site: tuple[Path, str]) -> None:
    target, _ = docs_site
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    models = {uid: node for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model" and node["package_name"] == PROJECT}
    undocumented = [uid for uid, node in models.items() if not node["description"].strip()]
    assert undocumented == [], f"models without a description: {undocumented}"
    missing: list[str] = []
    stale: list[str] = []
    for uid, node in models.items():
        documented = {name for name, column in node["columns"].items() if column["description"].strip()}
        if node["config"]["materialized"] == "ephemeral":
            assert documented, f"{uid}: ephemeral model without documented columns"
            continue
        built = catalog["nodes"].get(uid)
        assert built is not None, f"{uid} is not in the catalog: the docs site would show no columns"
        missing += [f"{node['name']}.{column}" for column in built["columns"] if column not in documented]
        stale += [f"{node['name']}.{column}" for column in node["columns"] if column not in built["columns"]]
    assert missing == [], f"columns without a description: {missing}"
    assert stale == [], f"documented columns the relation does not have: {stale}"


def test_model_page_shows_description_and_catalog_columns(docs_site: tuple[Path, str], tmp_path: Path) -> None:
    _, url = docs_site
    text = rendered_text(f"{url}/index.html#!/model/model.{PROJECT}.address_analytics", tmp_path / "chromium")
    assert "One row per address and asset" in text  # the model's description
    # columns with their types from the catalog (the database), not only from the YAML
    for column, data_type in [("address_type", "String"), ("sent_volume", "Decimal(38, 18)"),
                              ("unique_counterparties", "UInt64"), ("first_activity_at", "DateTime64(3, 'UTC')")]:
        assert re.search(rf"\b{column} {re.escape(data_type)} ", text), f"{column} {data_type} not on the page"


def test_lineage_leads_from_raw_sources_to_every_mart(docs_site: tuple[Path, str], tmp_path: Path) -> None:
    _, url = docs_site
    text = rendered_text(f"{url}/lineage_probe.html", tmp_path / "chromium")
    found = re.search(r"(\{\"nodes\".*\})", text)
    assert found, f"the docs site did not build its lineage graph: {text[:500]}"
    graph = json.loads(found.group(1).replace("&quot;", '"'))
    children: dict[str, set[str]] = {}
    for source, target in graph["edges"]:
        children.setdefault(source, set()).add(target)
    nodes = set(graph["nodes"])
    transfers = f"model.{PROJECT}.balance_transfers"
    for mart in ANALYTICS_MARTS:
        uid = f"model.{PROJECT}.{mart}"
        assert uid in nodes, f"{mart} is not in the docs site"
        assert reaches(children, transfers, uid), f"no lineage balance_transfers -> {mart}"
    for source in RAW_SOURCES:
        assert source in nodes, f"{source} is not in the docs site"
        assert reaches(children, source, transfers), f"no lineage {source} -> balance_transfers"


def reaches(children: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for child in children.get(node, set()) - seen:
            seen.add(child)
            frontier.append(child)
    return False
