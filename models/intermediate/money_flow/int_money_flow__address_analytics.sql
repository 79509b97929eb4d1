{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(network, address)',
    tags=['money_flow', 'graph_analytics'],
) }}
-- Community, PageRank and embedding of every analytics node (the design's community_id,
-- community_page_rank and network_embedding). The embedding is 13 node features, each
-- standardised over the node's network (z-score), as Float32: log-scaled transfer counts,
-- counterparties and volumes, PageRank relative to a uniform rank (log of rank x graph size),
-- the same for the community PageRank, log community size, the share of volume sent and the
-- log of the days active. Not the community id: an id is a name, not a quantity.
with ranks as (
    select
        page_ranks.node_key as node_key,
        anyIf(page_ranks.page_rank, page_ranks.graph_scope = 'network') as page_rank,
        anyIf(page_ranks.page_rank, page_ranks.graph_scope = 'community') as community_page_rank
    from {{ ref('int_money_flow__page_ranks') }} as page_ranks
    group by page_ranks.node_key
),

node_features as (
    select
        communities.network as network,
        communities.address as address,
        communities.node_key as node_key,
        communities.community_id as community_id,
        communities.community_size as community_size,
        ranks.page_rank as page_rank,
        ranks.community_page_rank as community_page_rank,
        [
            log1p(stats.transfer_count),
            log1p(stats.sent_count),
            log1p(stats.received_count),
            log1p(stats.unique_senders),
            log1p(stats.unique_receivers),
            log1p(stats.neighbour_count),
            log1p(toFloat64(stats.volume_in)),
            log1p(toFloat64(stats.volume_out)),
            log(ranks.page_rank * count() over (partition by communities.network)),
            log(ranks.community_page_rank * communities.community_size),
            log1p(communities.community_size),
            if(
                stats.volume_in + stats.volume_out = 0,
                0.5,
                toFloat64(stats.volume_out) / toFloat64(stats.volume_in + stats.volume_out)
            ),
            log1p(
                dateDiff('second', stats.first_activity_at, stats.last_activity_at) / 86400
            )
        ] as features
    from {{ ref('int_money_flow__communities') }} as communities
    inner join ranks on communities.node_key = ranks.node_key
    inner join {{ ref('int_money_flow__address_stats') }} as stats
        on communities.network = stats.network and communities.address = stats.address
),

standardised as (
    select
        network,
        address,
        node_key,
        community_id,
        community_size,
        page_rank,
        community_page_rank,
        features,
        avgForEach(features) over (partition by network) as feature_means,
        stddevPopForEach(features) over (partition by network) as feature_deviations
    from node_features
)

select
    network,
    address,
    node_key,
    community_id,
    community_size,
    page_rank,
    community_page_rank,
    cast(
        arrayMap(
            (value, mean, deviation) -> if(deviation > 0, (value - mean) / deviation, 0),
            features,
            feature_means,
            feature_deviations
        ),
        'Array(Float32)'
    ) as network_embedding
from standardised
