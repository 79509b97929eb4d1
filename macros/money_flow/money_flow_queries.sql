{#-
    The design's "Common Query Patterns" as SQL builders. Each returns one SELECT; the
    run-operation macros in money_flow_run_operations.sql run and print it, and the analyses in
    analyses/money_flow_*.sql compile it for BI tools. Every parameter goes through
    money_flow_parameters.sql (quoted, or checked to be a number or a choice).
-#}

{% macro money_flow_shortest_path_sql(network, source_address, target_address, asset, max_depth) %}
{#-
    Shortest directed path from source to target along money_flow_edges (breadth first, at most
    max_depth hops), only along edges of `asset` when one is given: the filter is part of the
    search, so a path that exists only through other assets is not found. Among equally short
    paths the lexicographically smallest address sequence is returned (deterministic; equal
    to min(networkx.all_shortest_paths(...))). One row per hop and asset; no row when there is
    no path.
-#}
{% set depth = money_flow_count(max_depth, 'max_depth', 20) %}
{% set network_literal = quoted_literal(network) %}
{% set source = quoted_literal(source_address) %}
{% set target = quoted_literal(target_address) %}
with recursive search as (
    select
        0 as depth,
        {{ source }} as address,
        [{{ source }}] as path,
        {{ source }} = {{ target }} as is_found
    where {{ source }} in (
        select edges.from_address
        from {{ ref('money_flow_edges') }} as edges
        where edges.network = {{ network_literal }}
        union all
        select edges.to_address
        from {{ ref('money_flow_edges') }} as edges
        where edges.network = {{ network_literal }}
    )

    union all

    select
        depth,
        address,
        path,
        max(address = {{ target }}) over () as is_found
    from (
        select
            any(search.depth) + 1 as depth,
            edges.to_address as address,
            min(arrayPushBack(search.path, edges.to_address)) as path
        from {{ ref('money_flow_edges') }} as edges
        inner join search on edges.from_address = search.address
        where
            edges.network = {{ network_literal }}
            and {{ money_flow_asset_condition(asset, 'edges.asset') }}
            and not search.is_found
            and search.depth < {{ depth }}
            and not has(search.path, edges.to_address)
        group by edges.to_address
    )
),

shortest_path as (
    select path
    from search
    where address = {{ target }}
    order by depth asc, path asc
    limit 1
),

hops as (
    select
        hop,
        path[hop] as from_address,
        path[hop + 1] as to_address
    from shortest_path
    array join arrayEnumerate(arrayPopBack(path)) as hop
)

select
    hops.hop as hop,
    hops.from_address as from_address,
    hops.to_address as to_address,
    edges.asset as asset,
    edges.total_volume as total_volume,
    edges.transfer_count as transfer_count
from hops
inner join {{ ref('money_flow_edges') }} as edges
    on hops.from_address = edges.from_address and hops.to_address = edges.to_address
where edges.network = {{ network_literal }} and {{ money_flow_asset_condition(asset, 'edges.asset') }}
order by hop asc, asset asc
{% endmacro %}

{% macro money_flow_explore_sql(network, addresses, direction, asset, max_depth, max_rows) %}
{#-
    The edges within max_depth hops of a set of addresses, following edges out of them (`out`),
    into them (`in`) or both ways (`both`), only along `asset` edges when one is given. One row
    per edge with the hop at which it is first reached (1 = touching a start address), biggest
    volumes first within a hop, at most max_rows rows.
-#}
    {% set depth = money_flow_count(max_depth, 'max_depth', 10) %}
    {% set row_cap = money_flow_count(max_rows, 'max_rows', 1000000) %}
    {% set way = money_flow_choice(direction, 'direction', ['out', 'in', 'both']) %}
    {% set network_literal = quoted_literal(network) %}
with recursive oriented_edges as (
    -- Each edge seen from the end the search walks from (`node`) towards the other end.
    select
        edges.from_address as node,
        edges.to_address as neighbour,
        edges.from_address as from_address,
        edges.to_address as to_address,
        edges.asset as asset,
        edges.total_volume as total_volume,
        edges.transfer_count as transfer_count
    from {{ ref('money_flow_edges') }} as edges
    where
        edges.network = {{ network_literal }}
        and {{ money_flow_asset_condition(asset, 'edges.asset') }}
        and {{ 'true' if way in ('out', 'both') else 'false' }}

    union all

    select
        edges.to_address as node,
        edges.from_address as neighbour,
        edges.from_address as from_address,
        edges.to_address as to_address,
        edges.asset as asset,
        edges.total_volume as total_volume,
        edges.transfer_count as transfer_count
    from {{ ref('money_flow_edges') }} as edges
    where
        edges.network = {{ network_literal }}
        and {{ money_flow_asset_condition(asset, 'edges.asset') }}
        and {{ 'true' if way in ('in', 'both') else 'false' }}
),

frontier as (
    -- Breadth first from the start addresses (depth 0); a step keeps each address once.
    select
        0 as depth,
        arrayJoin(cast([{{ quoted_literals(addresses) | join(', ') }}], 'Array(String)')) as address

    union all

    select
        any(frontier.depth) + 1 as depth,
        oriented_edges.neighbour as address
    from oriented_edges
    inner join frontier on oriented_edges.node = frontier.address
    where frontier.depth < {{ depth - 1 }}
    group by oriented_edges.neighbour
),

reached as (
    -- Each address at the first depth it was met.
    select
        address,
        min(depth) as depth
    from frontier
    group by address
)

select
    min(reached.depth) + 1 as hop,
    oriented_edges.from_address as from_address,
    oriented_edges.to_address as to_address,
    oriented_edges.asset as asset,
    any(oriented_edges.total_volume) as total_volume,
    any(oriented_edges.transfer_count) as transfer_count
from oriented_edges
inner join reached on oriented_edges.node = reached.address
group by oriented_edges.from_address, oriented_edges.to_address, oriented_edges.asset
order by hop asc, total_volume desc, from_address asc, to_address asc, asset asc
limit {{ row_cap }}
{% endmacro %}

{% macro money_flow_community_top_sql(network, community_id='', address='', max_rows=10) %}
{#-
    The addresses of a community ranked by community PageRank. The community is given by its id
    or by one of its addresses.
-#}
    {% set row_cap = money_flow_count(max_rows, 'max_rows', 100000) %}
    {% set network_literal = quoted_literal(network) %}
    {% if (community_id | string | trim) != '' %}
    {% set community = money_flow_count(community_id, 'community_id', 18446744073709551615) %}
{% else %}
    {% set community = '(select any(members.community_id) from ' ~ ref('money_flow_addresses')
        ~ ' as members where members.network = ' ~ network_literal
        ~ ' and members.address = ' ~ quoted_literal(address) ~ ')' %}
    {% endif %}
select
    address,
    community_page_rank,
    page_rank,
    transfer_count,
    unique_counterparties,
    received_volume,
    sent_volume,
    labels
from {{ ref('money_flow_addresses') }}
where network = {{ network_literal }} and community_id = {{ community }}
order by community_page_rank desc, address asc
limit {{ row_cap }}
{% endmacro %}

{% macro money_flow_high_value_sql(network, asset='', min_volume='0', max_rows=20) %}
    {#- Aggregated transfer relationships above min_volume (token units), biggest first. -#}
    {% set row_cap = money_flow_count(max_rows, 'max_rows', 100000) %}
select
    from_address,
    to_address,
    asset,
    total_volume,
    transfer_count,
    total_volume / transfer_count as avg_amount,
    first_activity_at,
    last_activity_at
from {{ ref('money_flow_edges') }}
where
    network = {{ quoted_literal(network) }}
    and {{ money_flow_asset_condition(asset) }}
    and total_volume > {{ money_flow_amount(min_volume, 'min_volume') }}
order by total_volume desc, from_address asc, to_address asc
limit {{ row_cap }}
{% endmacro %}

{% macro money_flow_similar_sql(network, address, max_rows=10) %}
    {#- Addresses whose network_embedding is closest to the address's (cosine distance). -#}
    {% set row_cap = money_flow_count(max_rows, 'max_rows', 100000) %}
    {% set network_literal = quoted_literal(network) %}
with target as (
    select any(network_embedding) as embedding
    from {{ ref('money_flow_addresses') }}
    where
        network = {{ network_literal }}
        and address = {{ quoted_literal(address) }}
        and notEmpty(network_embedding)
)

select
    candidates.address as address,
    cosineDistance(candidates.network_embedding, target.embedding) as cosine_distance,
    candidates.community_id as community_id,
    candidates.page_rank as page_rank,
    candidates.transfer_count as transfer_count,
    candidates.labels as labels
from {{ ref('money_flow_addresses') }} as candidates
cross join target
where
    candidates.network = {{ network_literal }}
    and candidates.address != {{ quoted_literal(address) }}
    and notEmpty(candidates.network_embedding)
    and notEmpty(target.embedding)
order by cosine_distance asc, address asc
limit {{ row_cap }}
{% endmacro %}
