{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key=['network', 'address'],
    engine='MergeTree()',
    order_by='(network, address)',
    settings={'min_bytes_for_wide_part': 0},
    tags=['money_flow'],
    meta={'tombstone_condition': 'transfer_count = 0'},
    post_hook="{{ record_watermarks() }}",
) }}
-- Wide parts (min_bytes_for_wide_part 0): the lightweight deletes of incremental runs write a
-- row mask instead of rewriting a compact part.
-- depends_on: {{ ref('balance_transfers') }}
-- Transfer statistics of every address, derived from money_flow_edges (exact: each edge is one
-- (from, to, asset) relation, so distinct counterparties are distinct edge ends). Incremental:
-- addresses active at or above a re-processed block are recomputed from all their edges; every
-- other address a new transfer touches gets the batch added to its row (counts and volumes
-- summed; a counterparty is new when every edge between the two, either way, is new).
{%- set batches = money_flow_batches(upstream=ref('money_flow_edges')) %}
{{ incremental_header([batches] if batches is not none else none) }}
{#- new blocks at the tip: no address is recomputed, the recompute CTEs are left unread #}
{%- set recomputes = money_flow_recomputes(batches) %}
{#- the statistics after (network, address), in table order #}
{%- set stat_columns = ['transfer_count', 'sent_count', 'received_count', 'neighbour_count',
    'unique_senders', 'unique_receivers', 'volume_in', 'volume_out', 'first_activity_at',
    'last_activity_at', 'first_activity_block_height', 'last_activity_block_height', 'is_system',
    '_version'] %}
{%- set extended_columns = [] %}
{%- for column in ['network', 'address'] + stat_columns %}
    {%- do extended_columns.append('extended_' ~ column ~ ' as ' ~ column) %}
{%- endfor %}
{%- set recomputed = '(select recomputed_addresses.network, recomputed_addresses.address'
    ~ ' from recomputed_addresses)' %}
{%- set not_recomputed = ' and (network, transfer_end.1) not in ' ~ recomputed
    if recomputes else '' %}

with
{% if is_incremental() %}
    recomputed_addresses as (
        select
            network,
            address
        from {{ this }}
        where {{ money_flow_touched_condition(batches, 'last_activity_block_height') }}
    ),

    -- each new transfer from both ends, for the addresses that take the batch as a delta
    batch_sides as (
        select
            network,
            transfer_end.1 as address,
            transfer_end.2 as counterparty,
            transfer_end.3 as is_outgoing,
            amount,
            block_time,
            block_height,
            transfer_end.4 as is_system,
            _version
        from {{ ref('balance_transfers') }}
        array join
            [
                (from_address, to_address, true, from_is_system),
                (to_address, from_address, false, to_is_system)
            ] as transfer_end
        where
            {{ block_batch_condition(batches, '_version') }}{{ not_recomputed }}
    ),

    -- every pair of addresses with a transfer in the batch, in both orders (each pair's reverse
    -- is in it too); also the pairs of recomputed addresses, whose rows the join with batch_stats
    -- drops in extended_stats
    batch_neighbours as (
        select distinct
            network,
            pair.1 as address,
            pair.2 as counterparty
        from {{ ref('balance_transfers') }}
        array join [(from_address, to_address), (to_address, from_address)] as pair
        where {{ block_batch_condition(batches, '_version') }}
    ),

    -- the edges between a batch address and its batch counterparties, either way and in every
    -- asset (money_flow_edges already holds the batch), seen from both ends
    neighbour_edges as (
        select
            network,
            edge_end.1 as address,
            edge_end.2 as counterparty,
            edge_end.3 as is_outgoing,
            first_activity_block_height
        from {{ ref('money_flow_edges') }}
        array join
            [(from_address, to_address, true), (to_address, from_address, false)] as edge_end
        where (network, from_address, to_address) in (
            select
                batch_neighbours.network,
                batch_neighbours.address,
                batch_neighbours.counterparty
            from batch_neighbours
        )
    ),

    -- an edge is new when its first block is in the batch; a counterparty is a new sender
    -- (receiver, neighbour) when every edge from it (to it, either way) is new
    neighbour_news as (
        select
            network,
            address,
            {{ money_flow_first_height_expression(batches, 'network') }} as batch_first_height,
            countIf(is_outgoing) > 0
            and minIf(first_activity_block_height, is_outgoing) >= batch_first_height
                as is_new_receiver,
            countIf(not is_outgoing) > 0
            and minIf(first_activity_block_height, not is_outgoing) >= batch_first_height
                as is_new_sender,
            min(first_activity_block_height) >= batch_first_height as is_new_neighbour
        from neighbour_edges
        group by network, address, counterparty
    ),

    batch_counterparties as (
        select
            network,
            address,
            countIf(is_new_neighbour) as new_neighbour_count,
            countIf(is_new_sender) as new_sender_count,
            countIf(is_new_receiver) as new_receiver_count
        from neighbour_news
        group by network, address
    ),

    batch_stats as (
        select
            network,
            address,
            count() as transfer_count,
            countIf(is_outgoing) as sent_count,
            countIf(not is_outgoing) as received_count,
            sumIf(amount, not is_outgoing) as volume_in,
            sumIf(amount, is_outgoing) as volume_out,
            min(block_time) as first_activity_at,
            max(block_time) as last_activity_at,
            min(block_height) as first_activity_block_height,
            max(block_height) as last_activity_block_height,
            max(is_system) as is_system,
            max(_version) as _version
        from batch_sides
        group by network, address
    ),

    stored_stats as (
        select
            network,
            address,
            true as is_stored,
            {{ stat_columns | join(', ') }}
        from {{ this }}
        where (network, address) in (
            select
                batch_stats.network,
                batch_stats.address
            from batch_stats
        )
    ),

    -- the stored row plus the batch (join_use_nulls = 0: an address new to the table gets
    -- zeros); output names differ from the joined CTEs' columns, which would resolve to them
    extended_stats as (
        select
            batch_stats.network as extended_network,
            batch_stats.address as extended_address,
            stored_stats.transfer_count + batch_stats.transfer_count as extended_transfer_count,
            stored_stats.sent_count + batch_stats.sent_count as extended_sent_count,
            stored_stats.received_count + batch_stats.received_count as extended_received_count,
            stored_stats.neighbour_count + batch_counterparties.new_neighbour_count
                as extended_neighbour_count,
            stored_stats.unique_senders + batch_counterparties.new_sender_count
                as extended_unique_senders,
            stored_stats.unique_receivers + batch_counterparties.new_receiver_count
                as extended_unique_receivers,
            stored_stats.volume_in + batch_stats.volume_in as extended_volume_in,
            stored_stats.volume_out + batch_stats.volume_out as extended_volume_out,
            if(
                stored_stats.is_stored,
                least(stored_stats.first_activity_at, batch_stats.first_activity_at),
                batch_stats.first_activity_at
            ) as extended_first_activity_at,
            greatest(stored_stats.last_activity_at, batch_stats.last_activity_at)
                as extended_last_activity_at,
            if(
                stored_stats.is_stored,
                least(
                    stored_stats.first_activity_block_height,
                    batch_stats.first_activity_block_height
                ),
                batch_stats.first_activity_block_height
            ) as extended_first_activity_block_height,
            greatest(
                stored_stats.last_activity_block_height, batch_stats.last_activity_block_height
            ) as extended_last_activity_block_height,
            stored_stats.is_system or batch_stats.is_system as extended_is_system,
            greatest(stored_stats._version, batch_stats._version) as extended__version
        from batch_stats
        inner join batch_counterparties
            on
                batch_stats.network = batch_counterparties.network
                and batch_stats.address = batch_counterparties.address
        left join stored_stats
            on
                batch_stats.network = stored_stats.network
                and batch_stats.address = stored_stats.address
    ),

    edge_sides as (
        {{ money_flow_edge_sides(
            ref('money_flow_edges'),
            '(network, from_address) in ' ~ recomputed,
            '(network, to_address) in ' ~ recomputed,
        ) }}
    ),
{% else %}
    edge_sides as (
        {{ money_flow_edge_sides(ref('money_flow_edges'), 'true', 'true') }}
    ),
{% endif %}

-- not read by an incremental run that recomputes no address (sqlfluff's ST03 sees that variant)
address_stats as (  -- noqa: ST03
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

{%- if recomputes or not is_incremental() %}
    select
        network,
        address,
        {{ stat_columns | join(', ') }}
    from address_stats
{%- endif %}
{%- if is_incremental() %}
    {%- if recomputes %}

    union all
    {%- endif %}

    -- named like the table's columns: this select may come first in the union
    select {{ extended_columns | join(', ') }}
    from extended_stats
    {%- if recomputes %}

    union all

    -- Tombstones: recomputed addresses left without edges (they only delete the stored row).
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
    from recomputed_addresses
    where (network, address) not in (
        select
            address_stats.network,
            address_stats.address
        from address_stats
    )
    {%- endif %}
{%- endif %}
