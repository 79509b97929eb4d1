{#
    post_hook of int_transfers_extracted: the chunks of new block versions its statement left
    (it takes the first; see block_batch_chunks), one INSERT each, in version order. Run after
    that statement, also after a full refresh's swap, so the watermark read here is the one the
    first chunk left. Rows of blocks re-loaded since the pre_hook (a load landing mid-run) are
    deleted first. When the statement's SQL (`sql`) counts one chunk or none, nothing is looked
    up: a run with few new events (the usual one) pays no query here, and a load landing
    mid-run is left for the next run, whole, as it is after the chunks read here.
#}
{% macro transfers_extracted_remaining_chunks() %}
    {%- set counted = modules.re.search('-- chunks of new block versions: ([0-9]+)', sql or '') -%}
    {%- if not execute or (counted and counted.group(1) | int <= 1) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set blocks = ref('stg_chain__blocks') -%}
    {%- set marks = watermarks_by_network(this) -%}
    {%- set chunks = block_batch_chunks(
        blocks, 'load_id', marks, var('transfer_extraction_chunk_events')) -%}
    {%- set delete_sql = reprocessed_blocks_delete(blocks, 'load_id', marks) if chunks else '' -%}
    {%- if delete_sql -%}
        {%- call statement('delete_reprocessed_blocks') -%}{{ delete_sql }}{%- endcall -%}
    {%- endif -%}
    {%- for batches in chunks -%}
        {%- call statement('insert_chunk_' ~ loop.index) -%}
            {{ clickhouse__insert_into(this, transfers_extracted_select(batches), false) }}
        {%- endcall -%}
    {%- endfor -%}
{% endmacro %}
