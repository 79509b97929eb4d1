{{ analytics_table_config(['network', 'asset', 'period_start']) }}
{{ analytics_period_activity('month') }}
