-- A view, not ephemeral: a model that reads an ephemeral one has dbt splice its CTE into the
-- compiled SQL with sqlparse, which costs more at each run than the whole statement it joins.
{{ config(materialized='view') }}
-- Each asset's amount-bin lower bounds (token units) as an array in bin order, from the seed.
select
    asset,
    arrayMap(bin -> bin.2, arraySort(groupArray((bin_index, min_amount)))) as bin_floors
from {{ ref('analytics_amount_bins') }}
group by asset
