-- The thresholds of address_analytics.address_type per asset, from var
-- analytics_address_type_thresholds (dbt_project.yml); `_default` for assets without their own.
{{ analytics_address_type_threshold_rows() }}
