{{ config(materialized='incremental', incremental_strategy='append', engine='MergeTree()',
          order_by='(network, block_height)') }}
-- Balances.Transfer events per block, appended for each new load.
select network, block_height, count() as transfers, max(load_id) as last_load_id
from {{ ref('int_transfer_events') }}
{% if is_incremental() %}
where load_id > (select max(last_load_id) from {{ this }})
{% endif %}
group by network, block_height
