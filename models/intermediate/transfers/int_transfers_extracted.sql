{{ config(
    materialized='incremental',
    incremental_strategy='append',
    engine='MergeTree()',
    order_by='(network, block_height, event_index, row_kind)',
    partition_by='(network, block_range_start)',
    indexes=[{'name': 'idx_version', 'definition': '_version TYPE minmax GRANULARITY 1'}],
    pre_hook="{{ delete_reprocessed_blocks(ref('stg_chain__blocks'), 'load_id') }}",
    post_hook="{{ transfers_extracted_remaining_chunks() }}",
    query_settings={
        'max_insert_threads': 2, 'join_algorithm': 'hash', 'query_plan_join_swap_table': 'false'
    },
) }}
-- Every transfer the network rules find (accepted or rejected, with the reason) plus one
-- `block` row per processed block version: the rows balance_transfers and
-- balance_transfers_rejected read, and this model's own incremental watermark (a block with no
-- transfer still records that its version was processed). One pass over the events; the SQL is
-- in macros/transfers/transfers_extracted_select.sql.
-- Memory: a run processes the new block versions in chunks of whole loads of at most
-- var('transfer_extraction_chunk_events') events, one statement each (this model's statement
-- the first, its post_hook the others), so a full build of a long history holds one chunk's
-- events at a time, not the history's (the window by extrinsic sorts all of its input).
-- join_algorithm 'hash': the events' join to their block versions builds one hash table (the
-- engine's default choice, parallel_hash, partitions build and probe: about 7% more CPU for
-- the whole query on 2 cores). query_plan_join_swap_table 'false': that table is built from
-- the blocks, never from the events (the engine's automatic choice built it from all of a full
-- build's events).
{%- set chunks = block_batch_chunks(
    ref('stg_chain__blocks'), 'load_id', watermarks_by_network(this) if is_incremental() else {},
    var('transfer_extraction_chunk_events')) %}
{#- chunks: none while dbt parses (every version), [] when nothing is new. The post_hook reads
    the count below in this statement's SQL and looks for more chunks only when there are. -#}
-- chunks of new block versions: {{ chunks | length if chunks else 0 }}
{{ transfers_extracted_select(chunks[0] if chunks else chunks) }}
