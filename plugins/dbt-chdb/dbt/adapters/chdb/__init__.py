"""dbt adapter `chdb`: dbt-clickhouse on an embedded, in-process ClickHouse (chDB).

Everything but client creation is dbt-clickhouse's own: its adapter, relation, column,
materializations and macros (the plugin depends on `clickhouse`, so dispatch falls back
to the `clickhouse__` implementations).
"""

from dbt.adapters.base import AdapterPlugin
from dbt.adapters.chdb.connections import ChdbConnectionManager, ChdbCredentials
from dbt.adapters.chdb.impl import ChdbAdapter
from dbt.include import chdb

Plugin = AdapterPlugin(
    adapter=ChdbAdapter,  # type: ignore[arg-type]
    credentials=ChdbCredentials,
    include_path=chdb.PACKAGE_PATH,
    dependencies=["clickhouse"],
)

__all__ = ["ChdbAdapter", "ChdbConnectionManager", "ChdbCredentials", "Plugin"]
