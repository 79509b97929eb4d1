"""Credentials, client and connection manager that open chDB instead of a server."""

import os
from dataclasses import dataclass
from typing import Any

import clickhouse_connect
from clickhouse_connect.driver.exceptions import ProgrammingError
from dbt.adapters.clickhouse.connections import ClickHouseConnectionManager
from dbt.adapters.clickhouse.credentials import ClickHouseCredentials
from dbt.adapters.clickhouse.dbclient import ChRetryableException
from dbt.adapters.clickhouse.httpclient import ChHttpClient
from dbt.adapters.clickhouse.logger import logger
from dbt.adapters.exceptions import FailedToConnectError

# Settings that only mean something to a server session; chDB runs in this process.
_SERVER_ONLY_SETTINGS = {"session_id"}


@dataclass
class ChdbCredentials(ClickHouseCredentials):
    """ClickHouse credentials plus the chDB data folder; host, port and users are unused."""

    path: str = ".chdb"

    @property
    def type(self) -> str:
        return "chdb"

    @property
    def unique_field(self) -> str:
        return os.path.realpath(self.path)

    def _connection_keys(self) -> tuple[str, ...]:
        return ("path", "schema", "custom_settings", "use_lw_deletes", "check_exchange")


class ChdbClient(ChHttpClient):
    """dbt-clickhouse's clickhouse-connect wrapper, pointed at an in-process chDB engine."""

    def _create_client(self, credentials: ChdbCredentials) -> Any:  # type: ignore[override]
        settings = {k: v for k, v in self._conn_settings.items() if k not in _SERVER_ONLY_SETTINGS}
        path = os.path.realpath(credentials.path)
        os.makedirs(path, exist_ok=True)
        try:
            return clickhouse_connect.get_client(interface="chdb", path=path, settings=settings)
        except ProgrammingError as ex:
            raise FailedToConnectError(_explain_open_failure(path, ex)) from ex
        except OSError as ex:
            raise ChRetryableException(str(ex)) from ex


def _explain_open_failure(path: str, ex: Exception) -> str:
    text = str(ex)
    if "different path" in text or "already" in text or "EmbeddedServer" in text:
        return (
            f"chDB data path {path} could not be opened: another process (or another path in "
            "this process) holds the embedded engine. One chDB path can be open in one process "
            "at a time: stop the other process or set FLOWS_CHDB_PATH to another folder. "
            f"(engine said: {text})"
        )
    return f"chDB data path {path} could not be opened: {text}"


class ChdbConnectionManager(ClickHouseConnectionManager):
    TYPE = "chdb"

    @classmethod
    def open(cls, connection: Any) -> Any:
        if connection.state == "open":
            return connection
        credentials = cls.get_credentials(connection.credentials)
        return cls.retry_connection(
            connection,
            connect=lambda: ChdbClient(credentials),
            logger=logger,
            retry_limit=credentials.retries,
            retryable_exceptions=[ChRetryableException],
        )
