{{ config(tags=['graph_analytics']) }}
-- PageRank keeps its mass: in every graph (each network, each community) the ranks sum to 1,
-- and every analytics node has one rank per scope. Fails with the graphs that do not.
select
    graph_scope,
    graph_key,
    count() as nodes,
    sum(page_rank) as rank_total
from {{ ref('int_money_flow__page_ranks') }}
group by graph_scope, graph_key
having abs(sum(page_rank) - 1) > 1e-9
union all
select
    graph_scope,
    0 as graph_key,
    count() as nodes,
    0 as rank_total
from {{ ref('int_money_flow__page_ranks') }}
group by graph_scope
having count() != (select count() from {{ ref('int_money_flow__graph_nodes') }})
