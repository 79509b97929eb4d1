"""One place that opens the ClickHouse client: embedded chDB by default, a server on request.

Mirrors profiles.yml: chDB in $FLOWS_CHDB_PATH (default ./.chdb) unless FLOWS_TARGET=prod or a URL
is given; a server's credentials come from CLICKHOUSE_HOST, CLICKHOUSE_PORT, CLICKHOUSE_USER,
CLICKHOUSE_PASSWORD and CLICKHOUSE_SECURE.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import clickhouse_connect
from clickhouse_connect.driver.exceptions import OperationalError

from loader.schema import checked_identifier

DEFAULT_CHDB_PATH = ".chdb"


def raw_database() -> str:
    return checked_identifier(os.environ.get("FLOWS_RAW_DATABASE", "substrate_raw"))


def connect(url: str | None = None, chdb_path: str | Path | None = None) -> Any:
    """A clickhouse-connect client: a server for `url` (or FLOWS_TARGET=prod), else chDB."""
    if url:
        return _server_from_url(url)
    if os.environ.get("FLOWS_TARGET") == "prod":
        return _server(
            host=os.environ.get("CLICKHOUSE_HOST", "localhost"),
            port=int(os.environ.get("CLICKHOUSE_PORT", "8123")),
            username=os.environ.get("CLICKHOUSE_USER", "default"),
            password=os.environ.get("CLICKHOUSE_PASSWORD", ""),
            secure=os.environ.get("CLICKHOUSE_SECURE", "false").lower() in ("1", "true", "yes"),
        )
    path = Path(chdb_path or os.environ.get("FLOWS_CHDB_PATH") or DEFAULT_CHDB_PATH)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"chDB data path {path} is a file, not a folder: give --chdb-path "
                                 "(or FLOWS_CHDB_PATH) a folder, new or holding chDB data")
    path.mkdir(parents=True, exist_ok=True)
    try:
        return clickhouse_connect.get_client(interface="chdb", path=str(path.resolve()))
    except Exception as error:  # the engine refuses a second path or a folder held by another process
        raise ConnectionError(
            f"chDB data path {path} could not be opened ({error}). One chDB path can be open in one "
            "process at a time: stop the other process or set FLOWS_CHDB_PATH to another folder."
        ) from error


def _server_from_url(url: str) -> Any:
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--url must look like http://user:password@host:8123, not {url!r}")
    return _server(
        host=parts.hostname,
        port=parts.port or (8443 if parts.scheme == "https" else 8123),
        username=parts.username or "default",
        password=parts.password or "",
        secure=parts.scheme == "https",
    )


def _server(host: str, port: int, username: str, password: str, secure: bool) -> Any:
    driver_log = logging.getLogger("clickhouse_connect")
    level = driver_log.level
    driver_log.setLevel(logging.ERROR)  # its warning would repeat the error raised below
    try:
        return clickhouse_connect.get_client(host=host, port=port, username=username, password=password,
                                             secure=secure)
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
