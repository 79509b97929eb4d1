"""Names sqlfluff's Jinja templater gives the SQL it lints (.sqlfluff `library_path`).

`var` answers from dbt_project.yml's vars, as dbt does, so macros that build SQL from
settings (the networks, the analytics bins) render real SQL for the linter.
"""

from pathlib import Path
from typing import Any

import yaml

_VARS = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text())["vars"]


def var(name: str, default: Any = None) -> Any:
    return _VARS.get(name, default)
