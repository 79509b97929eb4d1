{{ config(materialized='view') }}
select network, block_height, event_index, module_id, event_id, load_id
from {{ source('chain', 'events') }}
