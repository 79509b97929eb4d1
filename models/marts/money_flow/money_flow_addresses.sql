{{ config(materialized='view', tags=['money_flow']) }}
-- The design's Address node: every account of address_analytics and every labelled address,
-- system counterparties and the unknown account '' included. The account figures are
-- address_analytics' own, joined on network and address: each network has one native asset,
-- so an account has one row there. Nodes without a row (system counterparties, '', addresses
-- with labels only) get NULL figures. Community, PageRank and embedding are those of the last
-- `tag:graph_analytics` build.
with address_keys as (
    select
        network,
        address
    from {{ ref('address_analytics') }}

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
    has(address_labels.labels, 'system') as is_system,
    account_figures.address_type as address_type,
    account_figures.transfer_count as transfer_count,
    account_figures.sent_count as sent_count,
    account_figures.received_count as received_count,
    account_figures.self_transfer_count as self_transfer_count,
    account_figures.sent_volume as sent_volume,
    account_figures.received_volume as received_volume,
    account_figures.received_from_system_count as received_from_system_count,
    account_figures.received_from_system_volume as received_from_system_volume,
    account_figures.sent_to_system_count as sent_to_system_count,
    account_figures.sent_to_system_volume as sent_to_system_volume,
    account_figures.net_flow as net_flow,
    account_figures.unique_senders as unique_senders,
    account_figures.unique_receivers as unique_receivers,
    account_figures.unique_counterparties as unique_counterparties,
    account_figures.first_activity_at as first_activity_at,
    account_figures.last_activity_at as last_activity_at,
    account_figures.first_block as first_block,
    account_figures.last_block as last_block,
    analytics.community_id as community_id,
    analytics.community_size as community_size,
    analytics.page_rank as page_rank,
    analytics.community_page_rank as community_page_rank,
    analytics.network_embedding as network_embedding
from address_keys
left join {{ ref('address_analytics') }} as account_figures
    on
        address_keys.network = account_figures.network
        and address_keys.address = account_figures.address
left join {{ ref('money_flow_address_labels') }} as address_labels
    on
        address_keys.network = address_labels.network
        and address_keys.address = address_labels.address
left join {{ ref('int_money_flow__address_analytics') }} as analytics
    on address_keys.network = analytics.network and address_keys.address = analytics.address
settings join_use_nulls = 1
