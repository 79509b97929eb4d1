{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key=['network', 'address'],
    engine='MergeTree()',
    order_by='(network, address)',
    on_schema_change='fail',
    settings={'min_bytes_for_wide_part': 0},
    tags=['money_flow'],
    post_hook="{{ money_flow_delete_tombstones() }}",
) }}
-- Wide parts (min_bytes_for_wide_part 0): the lightweight deletes of incremental runs write a
-- row mask instead of rewriting a compact part.
-- depends_on: {{ ref('int_transfers_extracted') }}, {{ ref('balance_transfers') }}
-- Transfer statistics of every address, derived from money_flow_edges (exact: each edge is one
-- (from, to, asset) relation, so distinct counterparties are distinct edge ends). Incremental:
-- addresses a new transfer touches, or active at or above a re-processed block, are recomputed
-- from all their edges; the others are left as they are.
{%- set batches = money_flow_batches() %}
{%- set affected = '(select affected_addresses.network, affected_addresses.address'
    ~ ' from affected_addresses)' %}

with
{% if is_incremental() %}
    affected_addresses as (
        select
            network,
            from_address as address
        from {{ ref('balance_transfers') }}
        where {{ money_flow_new_transfers_condition(batches) }}

        union distinct

        select
            network,
            to_address as address
        from {{ ref('balance_transfers') }}
        where {{ money_flow_new_transfers_condition(batches) }}

        union distinct

        select
            network,
            address
        from {{ this }}
        where {{ money_flow_touched_condition(batches, 'last_activity_block_height') }}
    ),

    edge_sides as (
        {{ money_flow_edge_sides(
            ref('money_flow_edges'),
            '(network, from_address) in ' ~ affected,
            '(network, to_address) in ' ~ affected,
        ) }}
    ),
{% else %}
    edge_sides as (
        {{ money_flow_edge_sides(ref('money_flow_edges'), 'true', 'true') }}
    ),
{% endif %}

address_stats as (
    select
        edge_sides.network as network,
        edge_sides.address as address,
        sum(edge_sides.transfer_count) as transfer_count,
        sumIf(edge_sides.transfer_count, edge_sides.is_outgoing) as sent_count,
        sumIf(edge_sides.transfer_count, not edge_sides.is_outgoing) as received_count,
        uniqExact(edge_sides.counterparty) as neighbour_count,
        uniqExactIf(edge_sides.counterparty, not edge_sides.is_outgoing) as unique_senders,
        uniqExactIf(edge_sides.counterparty, edge_sides.is_outgoing) as unique_receivers,
        sumIf(edge_sides.volume, not edge_sides.is_outgoing) as volume_in,
        sumIf(edge_sides.volume, edge_sides.is_outgoing) as volume_out,
        min(edge_sides.first_activity_at) as first_activity_at,
        max(edge_sides.last_activity_at) as last_activity_at,
        min(edge_sides.first_activity_block_height) as first_activity_block_height,
        max(edge_sides.last_activity_block_height) as last_activity_block_height,
        max(edge_sides.is_system) as is_system,
        max(edge_sides._version) as _version
    from edge_sides
    group by edge_sides.network, edge_sides.address
)

select
    network,
    address,
    transfer_count,
    sent_count,
    received_count,
    neighbour_count,
    unique_senders,
    unique_receivers,
    volume_in,
    volume_out,
    first_activity_at,
    last_activity_at,
    first_activity_block_height,
    last_activity_block_height,
    is_system,
    _version
from address_stats
{%- if is_incremental() %}

    union all

    -- Tombstones: recomputed addresses left without edges (deleted by the post_hook).
    select
        network,
        address,
        toUInt64(0) as transfer_count,
        toUInt64(0) as sent_count,
        toUInt64(0) as received_count,
        toUInt64(0) as neighbour_count,
        toUInt64(0) as unique_senders,
        toUInt64(0) as unique_receivers,
        toDecimal128(0, 18) as volume_in,
        toDecimal128(0, 18) as volume_out,
        toDateTime64(0, 3, 'UTC') as first_activity_at,
        toDateTime64(0, 3, 'UTC') as last_activity_at,
        toUInt32(0) as first_activity_block_height,
        toUInt32(0) as last_activity_block_height,
        false as is_system,
        toUInt64(0) as _version
    from affected_addresses
    where (network, address) not in (
        select
            address_stats.network,
            address_stats.address
        from address_stats
    )
{%- endif %}
