"""substrate-flows loader: lands decoded Substrate blocks in ClickHouse raw tables; dbt does the rest."""
