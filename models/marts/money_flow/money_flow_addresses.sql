{{ config(materialized='view', tags=['money_flow']) }}
-- The design's Address node: every address with a transfer or a label. Statistics come from
-- the incremental int_money_flow__address_stats (always current); community, PageRank and
-- embedding from the last `tag:graph_analytics` build (NULL / [] for addresses that arrived
-- since, or that are not in the analytics graph).
with address_keys as (
    select
        network,
        address
    from {{ ref('int_money_flow__address_stats') }}

    union distinct

    select
        network,
        address
    from {{ ref('money_flow_address_labels') }}
)

select
    address_keys.network as network,
    address_keys.address as address,
    address_labels.labels as labels,
    coalesce(stats.is_system, false) as is_system,
    coalesce(stats.transfer_count, 0) as transfer_count,
    coalesce(stats.sent_count, 0) as sent_count,
    coalesce(stats.received_count, 0) as received_count,
    coalesce(stats.neighbour_count, 0) as neighbour_count,
    coalesce(stats.unique_senders, 0) as unique_senders,
    coalesce(stats.unique_receivers, 0) as unique_receivers,
    coalesce(stats.volume_in, toDecimal128(0, 18)) as volume_in,
    coalesce(stats.volume_out, toDecimal128(0, 18)) as volume_out,
    stats.first_activity_at as first_activity_at,
    stats.last_activity_at as last_activity_at,
    stats.first_activity_block_height as first_activity_block_height,
    stats.last_activity_block_height as last_activity_block_height,
    analytics.community_id as community_id,
    analytics.community_size as community_size,
    analytics.page_rank as page_rank,
    analytics.community_page_rank as community_page_rank,
    analytics.network_embedding as network_embedding
from address_keys
left join {{ ref('int_money_flow__address_stats') }} as stats
    on address_keys.network = stats.network and address_keys.address = stats.address
left join {{ ref('money_flow_address_labels') }} as address_labels
    on
        address_keys.network = address_labels.network
        and address_keys.address = address_labels.address
left join {{ ref('int_money_flow__address_analytics') }} as analytics
    on address_keys.network = analytics.network and address_keys.address = analytics.address
settings join_use_nulls = 1
