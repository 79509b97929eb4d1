"""The README's quickstart block, run as it is written, on a fresh project folder.

The commands are parsed out of README.md, so the README cannot drift from what is tested. They
run in a folder that links to this repository's files (the virtual environment included), so
the relative paths the README uses (`.chdb`, `.chdb-mine`, `data/`) are fresh and the checkout
is left as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, query

pytestmark = pytest.mark.slow

LINKED = ["Makefile", "dbt_project.yml", "profiles.yml", "pyproject.toml", "requirements.lock", "models",
          "macros", "tests", "analyses", "scripts", "loader", "plugins", ".venv"]


def quickstart_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- quickstart:[^>]*-->\s*```sh\n(.*?)```", text, flags=re.S)
    assert block, "README.md has no quickstart block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_quickstart_runs_as_written(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in LINKED:
        (project / name).symlink_to(REPO / name)
    commands = quickstart_commands()
    assert commands[0].startswith("make demo") and any("balance_transfers+" in c for c in commands)
    # `make` must not re-install the virtual environment from the linked folder: make test has
    # just set it up, so its prerequisites are taken as they are.
    script = "set -euo pipefail\nmake() { command make -o venv -o .venv/.installed \"$@\"; }\n" + "\n".join(commands)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLOWS_", "DBT_"))}
    env.update(DBT_SEND_ANONYMOUS_USAGE_STATS="false", NO_COLOR="1")
    done = subprocess.run(["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True,
                          timeout=1200)
    assert done.returncode == 0, f"quickstart failed:\n{done.stdout[-5000:]}\n{done.stderr[-3000:]}"

    # The demo database holds the three sample networks; the other one the 2,000 generated blocks.
    demo = query(project / ".chdb", "select network, count() from substrate_raw.blocks final group by network "
                                    "order by network")
    assert demo == [("bittensor", 400), ("polkadot", 400), ("torus", 400)]
    mine = project / ".chdb-mine"
    assert query(mine, "select count(), min(block_height), max(block_height) from substrate_raw.blocks final") \
        == [(2000, 1200000, 1201999)]
    transfers = query(mine, "select count() from substrate_flows.balance_transfers")[0][0]
    assert re.search(rf"\| torus +\| +{transfers} \|", done.stdout), "dbt show did not print the transfers"
    assert query(mine, "select sum(transfer_count) from substrate_flows.balance_transfers_daily_volume") \
        == [(transfers,)]
