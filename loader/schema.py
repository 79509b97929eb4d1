"""Creates the raw database and tables from schema.sql (idempotent)."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def checked_identifier(name: str) -> str:
    """A database or table name safe to place in SQL text (values never are)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a valid ClickHouse identifier: {name!r}")
    return name


def schema_statements(database: str) -> list[str]:
    text = resources.files("loader").joinpath("schema.sql").read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip().replace("{db}", checked_identifier(database)) for s in body.split(";") if s.strip()]


def ensure_schema(client: Any, database: str) -> None:
    for statement in schema_statements(database):
        client.command(statement)
