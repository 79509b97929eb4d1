{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='network, from_address, to_address, asset, flow_type',
    engine='MergeTree()',
    order_by='(network, from_address, to_address, asset)',
    indexes=[
        {'name': 'idx_to_address', 'definition': 'to_address TYPE bloom_filter(0.01) GRANULARITY 4'},
    ],
    tags=['money_flow'],
    meta={'tombstone_condition': 'transfer_count = 0'},
    post_hook="{{ record_watermarks() }}",
) }}
-- The design's TO relationship: one row per (network, from, to, asset, flow_type) aggregating
-- the balance transfers of that kind of flow between them (flow_type, so the graph can be
-- built with or without stake movements); system counterparties are nodes too.
-- Incremental (macros/incremental/recomputes.sql): new transfers are added to the
-- edges they extend, edges a re-processed block may have changed are recomputed.
{%- set batches = batches_with_recomputes(upstream=ref('balance_transfers')) %}
{{ incremental_header([batches] if batches is not none else none) }}
{#- new blocks at the tip: no edge is recomputed, recomputed_keys is left unread #}
{%- set recomputes = batches_recompute(batches) %}
{%- set recomputed = '(select recomputed_keys.network, recomputed_keys.from_address,'
    ~ ' recomputed_keys.to_address, recomputed_keys.asset, recomputed_keys.flow_type'
    ~ ' from recomputed_keys)' %}
{%- set edge_columns = money_flow_edge_column_names() | join(', ') %}

with
{% if is_incremental() %}
    batch_transfers as (
        select {{ money_flow_edge_part_columns() }}
        from {{ ref('balance_transfers') }}
        where {{ block_batch_condition(batches, '_version') }}
    ),

    -- not read when the batch recomputes no edge (sqlfluff's ST03 sees that variant)
    recomputed_keys as (  -- noqa: ST03
        select
            network,
            from_address,
            to_address,
            asset,
            flow_type
        from {{ this }}
        where {{ batch_recomputed_condition(batches, 'last_block') }}
    ),

    edge_parts as (
        {%- if recomputes %}
            -- Whole history of the recomputed edges ...
            select {{ money_flow_edge_part_columns() }}
            from {{ ref('balance_transfers') }}
            where
                {{ batch_history_condition(batches) }}
                and (network, from_address, to_address, asset, flow_type) in {{ recomputed }}

            union all
        {%- endif %}

        -- ... and, for the other edges of the batch, what they hold so far plus the batch.
        select {{ edge_columns }}
        from (
            select {{ edge_columns }}
            from {{ this }}
            where
                (network, from_address, to_address, asset, flow_type) in (
                    select
                        batch_transfers.network,
                        batch_transfers.from_address,
                        batch_transfers.to_address,
                        batch_transfers.asset,
                        batch_transfers.flow_type
                    from batch_transfers
                )

            union all

            select {{ edge_columns }}
            from batch_transfers
        ) as extended_edges
        {%- if recomputes %}
            where (network, from_address, to_address, asset, flow_type) not in {{ recomputed }}

            union all

            -- ... and each recomputed edge as an empty part: one left without transfers sums to
            -- transfer_count = 0, a tombstone that only deletes the stored row
            select
                network,
                from_address,
                to_address,
                asset,
                toDecimal128(0, 18) as total_volume,
                toUInt64(0) as transfer_count,
                toDateTime64(0, 3, 'UTC') as first_activity_at,
                toDateTime64(0, 3, 'UTC') as last_activity_at,
                toUInt32(0) as first_block,
                toUInt32(0) as last_block,
                cast([], 'Array(LowCardinality(String))') as transfer_types,
                false as from_is_system,
                false as to_is_system,
                toUInt64(0) as _version,
                flow_type
            from recomputed_keys
        {%- endif %}
    ),
{% else %}
    edge_parts as (
        select {{ money_flow_edge_part_columns() }}
        from {{ ref('balance_transfers') }}
    ),
{% endif %}

edges as (
    select
        network,
        from_address,
        to_address,
        asset,
        sum(total_volume) as total_volume,
        -- named apart: the minIf conditions below read the parts' transfer_count
        sum(transfer_count) as edge_transfer_count,
        -- empty parts (transfer_count 0) hold no activity
        minIf(first_activity_at, transfer_count > 0) as first_activity_at,
        max(last_activity_at) as last_activity_at,
        minIf(first_block, transfer_count > 0) as first_block,
        max(last_block) as last_block,
        arraySort(groupUniqArrayArray(transfer_types)) as transfer_types,
        max(from_is_system) as from_is_system,
        max(to_is_system) as to_is_system,
        max(_version) as _version,
        flow_type
    from edge_parts
    group by network, from_address, to_address, asset, flow_type
)

select
    network,
    from_address,
    to_address,
    asset,
    total_volume,
    edge_transfer_count as transfer_count,
    first_activity_at,
    last_activity_at,
    first_block,
    last_block,
    cast(transfer_types, 'Array(LowCardinality(String))') as transfer_types,
    from_is_system,
    to_is_system,
    _version,
    flow_type
from edges
