-- A view, not ephemeral: dbt splices an ephemeral model's CTE into each reader's compiled SQL
-- with sqlparse at every run (about 0.1 s per incremental run for the two models reading this).
{{ config(materialized='view') }}
-- Each asset's amount-bin lower bounds (token units) as an array in bin order, from the seed.
select
    asset,
    arrayMap(bin -> bin.2, arraySort(groupArray((bin_index, min_amount)))) as bin_floors
from {{ ref('analytics_amount_bins') }}
group by asset
