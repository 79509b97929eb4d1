"""The SQL the loader runs, read from loader/sql/*.sql.

A file starts with `--` lines saying what it is for (not sent). In a statement, `{{ name }}` is text placed before it is sent: a part of another statement
(loader/sql/parts/name.sql) or a name Python passes in (a checked identifier, a subquery).
`{name:Type}` is a query parameter: a value, sent apart from the SQL text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_SLOT = re.compile(r"\{\{ (\w+) \}\}")


def statement(name: str, **names: str) -> str:
    """The statement of loader/sql/`name`.sql, its parts included and the `names` filled in."""
    text = _with_parts(name)

    def fill(match: re.Match[str]) -> str:
        try:
            return names[match.group(1)]
        except KeyError:
            raise KeyError(f"loader/sql/{name}.sql needs {{{{ {match.group(1)} }}}}") from None

    return _SLOT.sub(fill, text)


def part(name: str) -> str:
    """The text of loader/sql/parts/`name`.sql, its own parts included."""
    return _with_parts(f"parts/{name}")


@cache
def _with_parts(name: str) -> str:
    def include(match: re.Match[str]) -> str:
        return part(match.group(1)) if _exists(f"parts/{match.group(1)}") else match.group(0)

    return _SLOT.sub(include, _read(name))


def _read(name: str) -> str:
    """The file's text without its header: the `--` lines it starts with say what it is for."""
    lines = resources.files("loader").joinpath(f"sql/{name}.sql").read_text().splitlines()
    while lines and lines[0].startswith("--"):
        lines.pop(0)
    return "\n".join(lines).strip()


@cache
def _exists(name: str) -> bool:
    return resources.files("loader").joinpath(f"sql/{name}.sql").is_file()
