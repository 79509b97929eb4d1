{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, address)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- Community, PageRank and embedding of every analytics node (the design's community_id,
-- community_page_rank and network_embedding). The embedding is 13 features of the account,
-- each standardised over the network's accounts (z-score), as Float32: log-scaled transfer
-- counts, counterparties and volumes of its address_analytics row, PageRank relative to a
-- uniform rank (log of rank x graph size), the same for the community PageRank, log community
-- size, the share of volume sent and the log of the days active. Not the community id: an id is
-- a name, not a quantity. A system counterparty has no account figures: its embedding is [].
with ranks as (
    select
        page_ranks.node_key as node_key,
        anyIf(page_ranks.page_rank, page_ranks.graph_scope = 'network') as page_rank,
        anyIf(page_ranks.page_rank, page_ranks.graph_scope = 'community') as community_page_rank
    from {{ ref('int_money_flow__page_ranks') }} as page_ranks
    group by page_ranks.node_key
),

nodes as (
    select
        communities.network as network,
        communities.address as address,
        communities.node_key as node_key,
        communities.community_id as community_id,
        communities.community_size as community_size,
        ranks.page_rank as page_rank,
        ranks.community_page_rank as community_page_rank,
        count() over (partition by communities.network) as graph_size
    from {{ ref('int_money_flow__communities') }} as communities
    inner join ranks on communities.node_key = ranks.node_key
),

-- one native asset per network: an account has one address_analytics row per network
account_features as (
    select
        nodes.network as network,
        nodes.node_key as node_key,
        [
            log1p(account_figures.transfer_count),
            log1p(account_figures.sent_count),
            log1p(account_figures.received_count),
            log1p(account_figures.unique_senders),
            log1p(account_figures.unique_receivers),
            log1p(account_figures.unique_counterparties),
            log1p(toFloat64(account_figures.received_volume)),
            log1p(toFloat64(account_figures.sent_volume)),
            log(nodes.page_rank * nodes.graph_size),
            log(nodes.community_page_rank * nodes.community_size),
            log1p(nodes.community_size),
            if(
                account_figures.received_volume + account_figures.sent_volume = 0,
                0.5,
                toFloat64(account_figures.sent_volume)
                / toFloat64(account_figures.received_volume + account_figures.sent_volume)
            ),
            log1p(
                dateDiff(
                    'second', account_figures.first_activity_at, account_figures.last_activity_at
                ) / 86400
            )
        ] as features
    from nodes
    inner join {{ ref('address_analytics') }} as account_figures
        on nodes.network = account_figures.network and nodes.address = account_figures.address
),

feature_statistics as (
    select
        node_key,
        features,
        avgForEach(features) over (partition by network) as feature_means,
        stddevPopForEach(features) over (partition by network) as feature_deviations
    from account_features
),

account_embeddings as (
    select
        node_key,
        cast(
            arrayMap(
                (value, mean, deviation) -> if(deviation > 0, (value - mean) / deviation, 0),
                features,
                feature_means,
                feature_deviations
            ),
            'Array(Float32)'
        ) as network_embedding
    from feature_statistics
)

-- join_use_nulls = 0: a node without account figures gets an empty embedding
select
    nodes.network as network,
    nodes.address as address,
    nodes.node_key as node_key,
    nodes.community_id as community_id,
    nodes.community_size as community_size,
    nodes.page_rank as page_rank,
    nodes.community_page_rank as community_page_rank,
    account_embeddings.network_embedding as network_embedding
from nodes
left join account_embeddings on nodes.node_key = account_embeddings.node_key
