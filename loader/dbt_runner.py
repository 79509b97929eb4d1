"""Runs a dbt selection in this process (dbt's programmatic API) after each `follow` batch.

The project is parsed once; every invocation gets a fresh copy of that manifest (an invocation
compiles nodes in place: a reused manifest would leave ephemeral models' CTEs out of later runs).
dbt reaches the loader's own target: the target's variables (`Target.dbt_environment`, what
profiles.yml reads) are set for each invocation and restored after. On chDB both clients open the
same data path in this one process, which the engine allows.

The parsed manifest and what the first run leaves alive live as long as the process; they are
moved out of the cycle collector's sight (gc.freeze), so its full passes do not walk them before
every run. Each run writes target/run_results.json but not manifest.json, which the parse wrote.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from loader.schema import checked_identifier

SKIPPED_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
_BUILT = ("table", "incremental", "view", "seed", "materialized_view")  # what exists in the database
_STATEFUL = ("table", "incremental")  # what holds rows that must take in each batch


class DbtFailed(RuntimeError):
    pass


def _freeze_survivors() -> None:
    """Keeps the objects alive now (long-lived here) out of the cycle collector's full passes."""
    gc.collect()
    gc.freeze()


def _target_path(project_dir: Path) -> Path:
    """Where dbt writes its artifacts for this project: DBT_TARGET_PATH, else the project's target-path."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
    return project_dir / (os.environ.get("DBT_TARGET_PATH") or project.get("target-path") or "target")


def default_project_dir() -> Path:
    """The folder holding dbt_project.yml: the current one, else this repository's root."""
    here = Path.cwd()
    return here if (here / "dbt_project.yml").exists() else Path(__file__).resolve().parent.parent


class DbtSelection:
    """The models `--select` names, plus the table and incremental models upstream of them that read
    raw data (they must take in each batch too, or the selected ones would see nothing new)."""

    def __init__(self, select: str, project_dir: Path, profiles_dir: Path | None = None,
                 exclude: str | None = None, environment: dict[str, str] | None = None):
        from dbt.cli.main import dbtRunner  # imported here: dbt takes a second to import

        self.select = select
        self.exclude = exclude
        self.environment = environment or {}
        self.project = ["--project-dir", str(project_dir), "--profiles-dir",
                        str(profiles_dir or os.environ.get("DBT_PROFILES_DIR") or project_dir)]
        self.common = [*self.project, "--quiet"]  # the target comes from the profile (FLOWS_TARGET)
        with self._environment():
            parsed = dbtRunner().invoke(["parse", *self.common])
        if not parsed.success:
            raise DbtFailed(f"dbt parse failed in {project_dir}: {parsed.exception or 'see the dbt output above'}")
        self.manifest = parsed.result
        _freeze_survivors()
        self.run_results = _target_path(project_dir) / "run_results.json"
        self.selected = self._selected()
        if not self.selected:
            raise ValueError(f"--select {select!r} matches no model of the dbt project in {project_dir}")
        self.parents = self._ancestors(self.selected) - set(self.selected)
        self._raw_readers: dict[str, bool] = {}
        self.upstream = sorted(p for p in self.parents if self._node(p).config.materialized in _STATEFUL
                               and self._reads_raw(p))
        self._ready = False

    def describe(self) -> str:
        extra = f" + {len(self.upstream)} upstream model(s) reading raw data" if self.upstream else ""
        return f"dbt --select {self.select!r} ({len(self.selected)} model(s){extra})"

    def relation(self, model: str) -> str | None:
        """`schema`.`table` of a selected model (None when the selection does not run it)."""
        for unique_id in self.selected:
            node = self._node(unique_id)
            if node.name == model:
                return f"{checked_identifier(node.schema)}.{checked_identifier(node.alias)}"
        return None

    def run(self, client: Any) -> float:
        """Runs the selection; seconds taken. Raises DbtFailed naming the models that failed."""
        started = time.perf_counter()
        first_run = not self._ready
        if first_run:
            self._build_missing_parents(client)
            self._ready = True
        self._invoke("run", self.upstream + self.selected)
        if first_run:
            _freeze_survivors()
        return time.perf_counter() - started

    @contextmanager
    def _environment(self) -> Iterator[None]:
        """The target's variables set for one dbt invocation, the process's own restored after."""
        saved = {name: os.environ.get(name) for name in self.environment}
        os.environ.update(self.environment)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    # ----- the graph --------------------------------------------------------------------------------

    def _runner(self) -> Any:
        from dbt.cli.main import dbtRunner

        return dbtRunner(manifest=self.manifest.deepcopy())

    def _node(self, unique_id: str) -> Any:
        return self.manifest.nodes[unique_id]

    def _parents_of(self, unique_id: str) -> list[str]:
        return list(getattr(self._node(unique_id).depends_on, "nodes", []))  # a seed depends on no node

    def _selected(self) -> list[str]:
        excluded = ["--exclude", self.exclude] if self.exclude else []
        with self._environment():
            listed = self._runner().invoke(["ls", "--select", self.select, *excluded, "--resource-type", "model",
                                            "--output", "json", "--output-keys", "unique_id", "--log-level", "none",
                                            *self.project])
        if not listed.success:
            raise ValueError(f"--select {self.select!r}: {listed.exception}")
        return [json.loads(line)["unique_id"] for line in listed.result]

    def _ancestors(self, unique_ids: list[str]) -> set[str]:
        found: set[str] = set()
        todo = list(unique_ids)
        while todo:
            for parent in self._parents_of(todo.pop()):
                if parent in self.manifest.nodes and parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def _reads_raw(self, unique_id: str) -> bool:
        """True when the node reads a source, itself or through its parents."""
        if unique_id not in self._raw_readers:
            parents = self._parents_of(unique_id)
            self._raw_readers[unique_id] = any(p.startswith("source.") for p in parents) or any(
                p in self.manifest.nodes and self._reads_raw(p) for p in parents)
        return self._raw_readers[unique_id]

    # ----- running ------------------------------------------------------------------------------------

    def _invoke(self, command: str, unique_ids: list[str], *extra: str) -> None:
        names = " ".join(self._node(u).name for u in unique_ids)
        with self._environment():
            result = self._runner().invoke([command, "--select", names, "--no-write-json", *extra, *self.common])
        if hasattr(result.result, "write"):
            result.result.write(str(self.run_results))
        if result.success:
            return
        failures = [f"{r.node.name}: {r.message}" for r in getattr(result.result, "results", None) or []
                    if getattr(r.status, "value", r.status) in ("error", "fail", "runtime error")]
        raise DbtFailed(f"dbt {command} failed: "
                        + ("; ".join(failures) or str(result.exception or "see the dbt output above")))

    def _build_missing_parents(self, client: Any) -> None:
        """Builds, once, what the selection reads that is not there yet (e.g. seeds on a fresh database)."""
        built = [u for u in sorted(self.parents) if self._node(u).config.materialized in _BUILT]
        schemas = sorted({self._node(u).schema for u in built})
        existing = {(db, name) for db, name in client.query(
            "select database, name from system.tables where database in {schemas:Array(String)}",
            parameters={"schemas": schemas}).result_rows}
        missing = [u for u in built if (self._node(u).schema, self._node(u).alias) not in existing]
        if missing:
            self._invoke("build", missing, *SKIPPED_TESTS)
