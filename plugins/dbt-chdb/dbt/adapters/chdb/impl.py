from dbt.adapters.chdb.connections import ChdbConnectionManager
from dbt.adapters.clickhouse.impl import ClickHouseAdapter


class ChdbAdapter(ClickHouseAdapter):
    """dbt-clickhouse's adapter with a chDB connection manager; no SQL differs."""

    ConnectionManager = ChdbConnectionManager
