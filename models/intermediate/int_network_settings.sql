-- One row per network of var('networks') (dbt_project.yml): the settings balance_transfers
-- reads. From a var, not a seed, so a selection that does not build seeds still has them.
{{ network_settings_rows() }}
