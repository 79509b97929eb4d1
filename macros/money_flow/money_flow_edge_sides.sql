{% macro money_flow_edge_sides(edges, outgoing_condition, incoming_condition) %}
{#-
    Each edge of `edges` (money_flow_edges) seen from both ends: once from its sender
    (is_outgoing, counterparty = receiver) where `outgoing_condition` holds, once from its
    receiver where `incoming_condition` holds. A self-transfer edge appears on both sides of
    the same address, as in a directed graph's in- and out-degree.
-#}
select
    network,
    from_address as address,
    to_address as counterparty,
    true as is_outgoing,
    transfer_count,
    volume,
    first_activity_at,
    last_activity_at,
    first_activity_block_height,
    last_activity_block_height,
    from_is_system as is_system,
    _version
from {{ edges }}
where {{ outgoing_condition }}

union all

select
    network,
    to_address as address,
    from_address as counterparty,
    false as is_outgoing,
    transfer_count,
    volume,
    first_activity_at,
    last_activity_at,
    first_activity_block_height,
    last_activity_block_height,
    to_is_system as is_system,
    _version
from {{ edges }}
where {{ incoming_condition }}
{% endmacro %}
