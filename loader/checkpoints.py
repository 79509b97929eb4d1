"""Where `substrate-loader follow` stands, per network and source (tables in loader/schema.sql).

A checkpoint is written only after a batch has landed and its dbt selection has run, so a
restart after a stop (or a crash) resumes at the first height that is not fully indexed: the
blocks of an unfinished batch are loaded again (the loader skips what is already there) and dbt
catches up from its own watermark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loader.schema import checked_identifier, ensure_schema
from loader.statements import statement


@dataclass(frozen=True)
class Checkpoint:
    next_height: int
    status: str  # 'ok', 'gap' or 'skipped_gap'
    detail: str


@dataclass(frozen=True)
class LoadedFile:
    name: str
    size: int
    mtime_ns: int


class Checkpoints:
    def __init__(self, client: Any, database: str, network: str, source: str):
        self.client = client
        self.db = checked_identifier(database)
        self.key = {"network": network, "source": source}
        ensure_schema(client, self.db)

    def current(self) -> Checkpoint | None:
        rows = self.client.query(statement("checkpoint_current", db=self.db), parameters=self.key).result_rows
        return Checkpoint(int(rows[0][0]), str(rows[0][1]), str(rows[0][2])) if rows else None

    def save(self, next_height: int, status: str = "ok", detail: str = "", load_ids: Sequence[int] = ()) -> None:
        self.client.command(
            statement("checkpoint_save", db=self.db),
            parameters={**self.key, "next_height": next_height, "status": status, "detail": detail,
                        "load_ids": list(load_ids)},
        )

    def loaded_files(self) -> set[LoadedFile]:
        rows = self.client.query(
            f"select file_name, size, mtime_ns from {self.db}.follow_files "
            "where network = {network:String} and source = {source:String}",
            parameters=self.key,
        ).result_rows
        return {LoadedFile(str(name), int(size), int(mtime)) for name, size, mtime in rows}

    def record_files(self, files: Sequence[LoadedFile], load_ids: Sequence[int]) -> None:
        if files:
            self.client.insert(
                f"{self.db}.follow_files",
                [[self.key["network"], self.key["source"], f.name, f.size, f.mtime_ns, list(load_ids)] for f in files],
                column_names=["network", "source", "file_name", "size", "mtime_ns", "load_ids"],
            )
