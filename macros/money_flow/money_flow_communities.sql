{#-
    Community detection in SQL: Louvain's two phases, run level by level as dbt models.

    Phase 1 (money_flow_local_moving) moves every node to the neighbouring community with the
    largest modularity gain
        gain(c) = w(node, c) - k(node) * (K(c) - [c = own] * k(node)) / 2m
    (w: link weight to members of c, k: node strength, K: community strength, 2m: total
    strength of the network), for a fixed number of iterations unrolled in Jinja. The moves of
    an iteration happen at once, so only half of the nodes may move in each one (chosen by a
    hash of node and iteration): neighbours then rarely swap labels with each other or pile
    into one community on stale strengths. Ties go to the current community, then to the
    smallest label. No randomness: the result depends only on the graph.
    Phase 2 (money_flow_community_links) turns each community into one node of the next
    level's graph (links summed, strengths summed).

    Links relations (one per level) have one row per directed link, both directions of each
    undirected link, plus one self row per node (is_self, weight 0) that carries the node
    itself: columns network, source_key, target_key, weight, is_self, target_strength, two_m.
    Every iteration reads the previous one once (no CTE is read twice, so nothing is
    evaluated twice when ClickHouse inlines CTEs).
-#}

{% macro money_flow_local_moving(links, iterations) %}
    {#- Phase 1 on one level's links: each node's label after `iterations` moves (at least 1). -#}
    {% set steps = [iterations | int, 1] | max %}
    with moves_0 as (
        select
            network,
            target_key as node_key,
            target_strength as strength,
            two_m,
            target_key as label
        from {{ links }}
        where is_self
    ),
    {%- for iteration in range(1, steps + 1) %}

        moves_{{ iteration }} as (
            {{ money_flow_local_moving_step('moves_' ~ (iteration - 1), links, iteration) }}
        ){{ ',' if not loop.last }}
    {%- endfor %}

    select
        network,
        node_key,
        strength,
        two_m,
        label
    from moves_{{ steps }}
{% endmacro %}

{% macro money_flow_local_moving_step(previous, links, iteration) %}
{#- One move of phase 1: each node takes the neighbouring label of the best modularity gain
    (half the nodes per iteration, picked by hash, so neighbours do not swap forever). -#}
select
    network,
    node_key,
    strength,
    two_m,
    if(
        best_gain > own_gain and cityHash64(node_key, {{ iteration }}) % 2 = 0, best_label, own_label
    ) as label
from (
    select
        any(network) as network,
        node_key,
        any(strength) as strength,
        any(two_m) as two_m,
        argMax(candidate_label, is_own) as own_label,
        maxIf(gain, is_own) as own_gain,
        argMax(candidate_label, (gain, is_own, bitNot(candidate_label))) as best_label,
        max(gain) as best_gain
    from (
        select
            network,
            node_key,
            candidate_label,
            is_own,
            strength,
            two_m,
            candidate_weight
            - strength * (candidate_strength - if(is_own, strength, 0)) / two_m as gain
        from (
            select
                any(links.network) as network,
                links.target_key as node_key,
                labelled.label as candidate_label,
                sum(links.weight) as candidate_weight,
                any(labelled.label_strength) as candidate_strength,
                max(links.is_self) as is_own,
                any(links.target_strength) as strength,
                any(links.two_m) as two_m
            from {{ links }} as links
            inner join (
                select
                    node_key,
                    label,
                    sum(strength) over (partition by label) as label_strength
                from {{ previous }}
            ) as labelled
                on links.source_key = labelled.node_key
            group by links.target_key, labelled.label
        )
    )
    group by node_key
)
{% endmacro %}

{% macro money_flow_community_links(links, labels) %}
    {#- The next level's links: one node per community of `labels` (the level's result). -#}
with community_strengths as (
    select
        any(network) as network,
        label as node_key,
        sum(strength) as strength,
        any(two_m) as two_m
    from {{ labels }}
    group by label
),

community_links as (
    select
        sources.label as source_key,
        targets.label as target_key,
        sum(links.weight) as weight
    from {{ links }} as links
    inner join {{ labels }} as sources on links.source_key = sources.node_key
    inner join {{ labels }} as targets on links.target_key = targets.node_key
    where not links.is_self and sources.label != targets.label
    group by sources.label, targets.label
)

{{ money_flow_community_link_rows('community_links', 'community_strengths') }}
{% endmacro %}

{% macro money_flow_community_link_rows(links, nodes) %}
{#- A level's links relation from `links` (source_key, target_key, weight; both directions) and
    `nodes` (network, node_key, strength, two_m): the links with their target's strength, then
    one self row per node. -#}
select
    {{ nodes }}.network as network,
    {{ links }}.source_key as source_key,
    {{ links }}.target_key as target_key,
    {{ links }}.weight as weight,
    false as is_self,
    {{ nodes }}.strength as target_strength,
    {{ nodes }}.two_m as two_m
from {{ links }}
inner join {{ nodes }} on {{ links }}.target_key = {{ nodes }}.node_key

union all

select
    network,
    node_key as source_key,
    node_key as target_key,
    0 as weight,
    true as is_self,
    strength as target_strength,
    two_m
from {{ nodes }}
{% endmacro %}
