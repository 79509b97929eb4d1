version = "1.10.3"  # tracks the dbt-clickhouse release it wraps
