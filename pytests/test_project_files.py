"""The project's yml files: no duplicate keys (YAML keeps the last one silently), and every macro
described in its folder's `_macros.yml` with each of its arguments."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from conftest import REPO

PROJECT_YML = sorted(path for folder in ("models", "macros", "tests", "analyses")
                     for path in (REPO / folder).rglob("*.yml")) + [REPO / "dbt_project.yml"]
MACRO = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\((.*?)\)\s*-?%\}", re.S)


class DuplicateKeyLoader(yaml.SafeLoader):
    """A SafeLoader that fails on a mapping key given twice."""


def _mapping_without_duplicates(loader: DuplicateKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


DuplicateKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def test_no_yml_file_repeats_a_key() -> None:
    assert {REPO / "macros" / "money_flow" / "_macros.yml", REPO / "models" / "marts" / "transfers" / "balance_transfers.yml"
            } <= set(PROJECT_YML)
    for path in PROJECT_YML:
        yaml.load(path.read_text(), Loader=DuplicateKeyLoader)  # raises, naming file and line


def _arguments(signature: str) -> list[str]:
    parts = re.split(r",(?![^()\[\]{}]*[)\]}])", signature)
    return [part.split("=")[0].strip() for part in parts if part.strip()]


def test_every_macro_and_argument_is_described() -> None:
    folders = {path.parent for path in (REPO / "macros").rglob("*.sql")}
    assert len(folders) == 9  # macros/ itself and its eight folders
    for folder in sorted(folders):
        declared = {}
        for path in folder.glob("*.sql"):
            for kind, name, signature in MACRO.findall(path.read_text()):
                declared["test_" + name if kind == "test" else name] = _arguments(signature)
        described = {entry["name"]: entry for entry in yaml.safe_load((folder / "_macros.yml").read_text())["macros"]}
        assert sorted(described) == sorted(declared), folder
        for name, arguments in declared.items():
            entry = described[name]
            assert entry["description"].strip(), name
            assert [argument["name"] for argument in entry.get("arguments", [])] == arguments, name
            assert all(argument["description"].strip() for argument in entry.get("arguments", [])), name
