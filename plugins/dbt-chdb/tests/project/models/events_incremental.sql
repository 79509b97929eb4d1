{{ config(
    materialized='incremental',
    engine='MergeTree()',
    order_by='event_id',
    unique_key='event_id',
    incremental_strategy='append'
) }}
select event_id, account, amount
from {{ ref('events_source') }}
{% if is_incremental() %}
    where event_id > (select max(event_id) from {{ this }})
{% endif %}
