"""The target: where the raw tables are, resolved once, and the one place that opens a client.

Mirrors profiles.yml: chDB in $FLOWS_CHDB_PATH (default ./.chdb) unless FLOWS_TARGET=prod or a URL
is given; a server's credentials come from CLICKHOUSE_HOST, CLICKHOUSE_PORT, CLICKHOUSE_USER,
CLICKHOUSE_PASSWORD and CLICKHOUSE_SECURE.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import clickhouse_connect
from clickhouse_connect.driver.exceptions import OperationalError

from loader.schema import checked_identifier

DEFAULT_CHDB_PATH = ".chdb"
DEFAULT_RAW_DATABASE = "substrate_raw"


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    username: str
    password: str
    secure: bool


@dataclass(frozen=True)
class Target:
    """Where the raw tables are: a chDB folder or a ClickHouse server, and the raw database.
    Resolved once from the command line and the environment, then passed down."""

    raw_database: str
    chdb_path: Path | None = None
    server: ServerAddress | None = None

    @classmethod
    def resolve(cls, url: str | None = None, chdb_path: str | Path | None = None, database: str | None = None,
                environ: Mapping[str, str] = os.environ) -> Target:
        """--url, else FLOWS_TARGET=prod with the CLICKHOUSE_* variables (as profiles.yml), else
        chDB in --chdb-path, $FLOWS_CHDB_PATH or ./.chdb; the raw database from --database,
        $FLOWS_RAW_DATABASE or substrate_raw."""
        raw = checked_identifier(database or environ.get("FLOWS_RAW_DATABASE") or DEFAULT_RAW_DATABASE)
        if url:
            return cls(raw, server=_server_address(url))
        if environ.get("FLOWS_TARGET") == "prod":
            return cls(raw, server=ServerAddress(
                host=environ.get("CLICKHOUSE_HOST", "localhost"),
                port=int(environ.get("CLICKHOUSE_PORT", "8123")),
                username=environ.get("CLICKHOUSE_USER", "default"),
                password=environ.get("CLICKHOUSE_PASSWORD", ""),
                secure=environ.get("CLICKHOUSE_SECURE", "false").lower() in ("1", "true", "yes"),
            ))
        return cls(raw, chdb_path=Path(chdb_path or environ.get("FLOWS_CHDB_PATH") or DEFAULT_CHDB_PATH).resolve())

    def connect(self) -> Any:
        """A clickhouse-connect client of this target."""
        if self.server is not None:
            return _server(self.server)
        assert self.chdb_path is not None
        path = self.chdb_path
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(f"chDB data path {path} is a file, not a folder: give --chdb-path "
                                     "(or FLOWS_CHDB_PATH) a folder, new or holding chDB data")
        path.mkdir(parents=True, exist_ok=True)
        try:
            return clickhouse_connect.get_client(interface="chdb", path=str(path))
        except Exception as error:  # the engine refuses a second path or a folder held by another process
            raise ConnectionError(
                f"chDB data path {path} could not be opened ({error}). One chDB path can be open in one "
                "process at a time: stop the other process or set FLOWS_CHDB_PATH to another folder."
            ) from error

    def dbt_environment(self) -> dict[str, str]:
        """The variables dbt's profile (profiles.yml) reads to reach this same target."""
        environment = {"FLOWS_RAW_DATABASE": self.raw_database}
        if self.chdb_path is not None:
            environment.update(FLOWS_TARGET="dev", FLOWS_CHDB_PATH=str(self.chdb_path))
        else:
            assert self.server is not None
            environment.update(FLOWS_TARGET="prod", CLICKHOUSE_HOST=self.server.host,
                               CLICKHOUSE_PORT=str(self.server.port), CLICKHOUSE_USER=self.server.username,
                               CLICKHOUSE_PASSWORD=self.server.password,
                               CLICKHOUSE_SECURE=str(self.server.secure).lower())
        return environment


def raw_database() -> str:
    """The raw database of the environment (Python API callers that give none)."""
    return Target.resolve().raw_database


def connect(url: str | None = None, chdb_path: str | Path | None = None) -> Any:
    """A clickhouse-connect client: a server for `url` (or FLOWS_TARGET=prod), else chDB."""
    return Target.resolve(url, chdb_path).connect()


def _server_address(url: str) -> ServerAddress:
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--url must look like http://user:password@host:8123, not {url!r}")
    return ServerAddress(
        host=parts.hostname,
        port=parts.port or (8443 if parts.scheme == "https" else 8123),
        username=parts.username or "default",
        password=parts.password or "",
        secure=parts.scheme == "https",
    )


def _server(address: ServerAddress) -> Any:
    host, port = address.host, address.port
    driver_log = logging.getLogger("clickhouse_connect")
    level = driver_log.level
    driver_log.setLevel(logging.ERROR)  # its warning would repeat the error raised below
    try:
        return clickhouse_connect.get_client(host=host, port=port, username=address.username,
                                             password=address.password, secure=address.secure)
    except OperationalError as error:  # refused, no route, name unknown, timed out
        cause: BaseException = error
        while cause.__cause__ is not None or cause.__context__ is not None:
            cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
        raise ConnectionError(f"ClickHouse server {host}:{port} could not be reached: {cause}") from error
    finally:
        driver_log.setLevel(level)


def is_embedded(client: Any) -> bool:
    """True for chDB: the engine runs in this process and can read local files itself."""
    return getattr(client, "uri", "").startswith("chdb://") or type(client).__name__ == "ChdbClient"
