{{ analytics_period_activity_config() }}
{{ analytics_period_activity('month') }}
