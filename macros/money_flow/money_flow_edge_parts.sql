{% macro money_flow_edge_part_columns() %}
{#-
    A balance_transfers row as a one-transfer edge (the columns money_flow_edges aggregates):
    partial edges from transfers and whole edges already in money_flow_edges then sum alike.
-#}
network,
from_address,
to_address,
asset,
amount as total_volume,
toUInt64(1) as transfer_count,
block_time as first_activity_at,
block_time as last_activity_at,
block_height as first_block,
block_height as last_block,
[transfer_type] as transfer_types,
from_is_system,
to_is_system,
_version,
{{ transfer_flow_type('transfer_type') }} as flow_type
{% endmacro %}

{% macro money_flow_edge_column_names() %}
    {#- The columns of money_flow_edges, in table order. -#}
    {{ return([
        'network', 'from_address', 'to_address', 'asset', 'total_volume', 'transfer_count',
        'first_activity_at', 'last_activity_at', 'first_block',
        'last_block', 'transfer_types', 'from_is_system', 'to_is_system', '_version',
        'flow_type',
    ]) }}
{% endmacro %}
