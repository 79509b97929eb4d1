{{ config(materialized='ephemeral') }}
select network, block_height, event_index, load_id
from {{ ref('stg_events') }}
where module_id = 'Balances' and event_id = 'Transfer'
