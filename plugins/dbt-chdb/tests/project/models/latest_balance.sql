{{ config(
    materialized='incremental',
    engine='ReplacingMergeTree(_version)',
    order_by='account',
    unique_key='account',
    incremental_strategy='append'
) }}
-- Each run writes a newer version per account; readers with FINAL see only the latest.
select
    account,
    sum(amount) as balance,
    toUInt64({{ var('upto', 5) }}) as _version
from {{ ref('events_source') }}
group by account
