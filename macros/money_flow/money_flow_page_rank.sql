{% macro money_flow_page_rank(links, damping=0.85, max_iterations=100, tolerance=1e-06) %}
{#-
    PageRank by power iteration, exactly as networkx.pagerank computes it (same damping,
    weights, dangling nodes and stopping rule), for many graphs at once, one per
    (graph_scope, graph_key).

    `links`, sorted by (graph_scope, graph_key): one row per weighted directed link
    (source_key -> target_key, weight_share = link weight / the source's total out-weight) plus
    one self row per node (is_self, weight_share 0) carrying the node's graph_size (N, nodes of
    its graph) and is_dangling (no out-weight).

    Each iteration: x'(v) = d * (sum over links u->v of x(u) * weight_share + D / N) + (1 - d) / N,
    D being the rank held by dangling nodes (spread uniformly). The iteration that brings
    err = sum |x' - x| below N * tolerance is the answer (no renormalisation, as in networkx);
    a graph that has not converged after max_iterations keeps its last iterate (networkx raises
    instead) and reports converged = false. Recursive CTE: each graph stops on its own, and a
    step reads only the previous step and the links of the graphs still iterating.
-#}
with recursive ranks as (
    select
        toUInt32(0) as iteration,
        graph_scope,
        graph_key,
        target_key as node_key,
        graph_size,
        is_dangling,
        1 / graph_size as rank,
        toFloat64(inf) as err
    from {{ links }}
    where is_self

    union all

    select
        iteration,
        graph_scope,
        graph_key,
        node_key,
        graph_size,
        is_dangling,
        rank,
        sum(abs(rank - previous_rank)) over (partition by graph_scope, graph_key) as err
    from (
        select
            any(flows.iteration) + 1 as iteration,
            flows.graph_scope as graph_scope,
            any(flows.graph_key) as graph_key,
            flows.node_key as node_key,
            any(flows.graph_size) as graph_size,
            anyIf(flows.source_is_dangling, flows.is_self) as is_dangling,
            {{ damping }} * (sum(flows.inflow) + any(flows.dangling_rank) / any(flows.graph_size))
            + (1 - {{ damping }}) / any(flows.graph_size) as rank,
            sumIf(flows.source_rank, flows.is_self) as previous_rank
        from (
            select
                current.iteration as iteration,
                links.graph_scope as graph_scope,
                links.graph_key as graph_key,
                links.target_key as node_key,
                current.graph_size as graph_size,
                links.is_self as is_self,
                current.is_dangling as source_is_dangling,
                current.rank as source_rank,
                current.rank * links.weight_share as inflow,
                current.dangling_rank as dangling_rank
            from {{ links }} as links
            inner join (
                select
                    iteration,
                    graph_scope,
                    node_key,
                    graph_size,
                    is_dangling,
                    rank,
                    sum(if(is_dangling, rank, 0)) over (partition by graph_scope, graph_key) as dangling_rank
                from ranks
                where err >= graph_size * {{ tolerance }} and iteration < {{ max_iterations }}
            ) as current
                on links.graph_scope = current.graph_scope and links.source_key = current.node_key
            -- Only the links of graphs still iterating are read (primary key prefix of `links`).
            where (links.graph_scope, links.graph_key) in (
                select
                    ranks.graph_scope,
                    ranks.graph_key
                from ranks
                where
                    ranks.err >= ranks.graph_size * {{ tolerance }}
                    and ranks.iteration < {{ max_iterations }}
            )
        ) as flows
        group by flows.graph_scope, flows.node_key
    )
)

select
    graph_scope,
    graph_key,
    node_key,
    argMax(rank, iteration) as page_rank,
    max(iteration) as iterations,
    argMax(err, iteration) < any(graph_size) * {{ tolerance }} as converged
from ranks
group by graph_scope, graph_key, node_key
{% endmacro %}
