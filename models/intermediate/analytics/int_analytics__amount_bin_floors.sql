-- Each asset's amount-bin lower bounds (token units) in bin order, from var
-- analytics_amount_bins (dbt_project.yml); `_default` for assets without their own.
{{ analytics_amount_bin_rows() }}
