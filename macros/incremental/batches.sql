{#
    The batch of an incremental run: per network, the block versions above the model's
    watermark (`mark`) up to `upper`, with the first and last block height among them:
    [{network, mark, upper, first_height, last_height}]. None means every version (while dbt
    parses, and in unit tests); [] means nothing is new.
    The model's compiled SQL carries its batch in a header comment (incremental_header), so its
    hooks act on exactly the versions the statement read, even if a load lands meanwhile.
#}

{% macro incremental_batches(upstream=none) %}
    {#- This run's batch: versions above this model's watermark (0 on a first build or full
        refresh) up to the newest one `upstream` (the ref() of the model this one reads) has
        processed, or with none the newest loaded. A watermark above the newest loaded version
        (load ids are shared by all networks) means the raw tables were rebuilt under the
        model: that stops the run. -#}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {#- dbt compile and dbt show run no on-run-start hook -#}
    {%- do require_raw_tables() -%}
    {%- set marks = stored_watermarks(this.identifier) if is_incremental() else {} -%}
    {%- set upper = network_case(stored_watermarks(upstream.identifier), 0)
        if upstream else '18446744073709551615' -%}
    {%- set found = run_query(
        'select toString(network), minIf(block_height, is_new), maxIf(block_height, is_new),'
        ~ ' maxIf(load_id, is_new), countIf(is_new), max(max(load_id)) over () from (select network,'
        ~ ' block_height, load_id, load_id > ' ~ network_case(marks, 0) ~ ' and load_id <= '
        ~ upper ~ ' as is_new from ' ~ source('chain', 'blocks') ~ ' final)'
        ~ ' group by network order by network') -%}
    {%- set batches = [] -%}
    {%- for network, first, last, newest, count, loaded in found.rows -%}
        {%- if marks.get(network, 0) > loaded -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ ' has processed ' ~ network ~ ' up to load ' ~ marks[network]
                ~ ' but the raw tables end at load ' ~ loaded ~ ': they were rebuilt. Run '
                ~ '`dbt build --full-refresh`.') }}
        {%- endif -%}
        {%- if count > 0 -%}
            {%- do batches.append({'network': network, 'mark': marks.get(network, 0),
                'upper': newest, 'first_height': first, 'last_height': last}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(batches) }}
{% endmacro %}

{% macro network_case(values, default) -%}
    {#- SQL giving `values`[network] for the row's network, `default` for any other. -#}
    {%- set branches = [] -%}
    {%- for network, value in values.items() | sort -%}
        {%- do branches.append('network = ' ~ quoted_literal(network) ~ ', ' ~ value) -%}
    {%- endfor -%}
    {{- return('multiIf(' ~ branches | join(', ') ~ ', ' ~ default ~ ')' if branches
        else default | string) -}}
{%- endmacro %}

{% macro batch_marks(batches) -%}
    {#- SQL giving the row's network's mark in `batches`; the largest version for a network
        without a batch, so `version > batch_marks(...)` holds for nothing there. -#}
    {%- set marks = {} -%}
    {%- for batch in batches or [] -%}
        {%- do marks.update({batch.network: batch.mark}) -%}
    {%- endfor -%}
    {{- return(network_case(marks, '18446744073709551615')) -}}
{%- endmacro %}

{% macro block_batch_condition(batches, version_column='load_id') -%}
    {#- Predicate over (network, block_height, version_column): the row's block version is in
        `batches`. Literal bounds per network, so partitions and the sort key prune. -#}
    {%- if batches is none -%}
        {{- return('true') -}}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for batch in batches -%}
        {%- do parts.append('(network = ' ~ quoted_literal(batch.network)
            ~ ' and block_height between ' ~ batch.first_height ~ ' and ' ~ batch.last_height
            ~ ' and ' ~ version_column ~ ' > ' ~ batch.mark
            ~ ' and ' ~ version_column ~ ' <= ' ~ batch.upper ~ ')') -%}
    {%- endfor -%}
    {{- return('(' ~ (parts | join(' or ') if parts else 'false') ~ ')') -}}
{%- endmacro %}

{% macro batch_blocks_sql(batches) -%}
    {#- SQL of the current block versions in `batches`: network, block_height, block_time. -#}
    select network, block_height, block_time
    from {{ source('chain', 'blocks') }} final
    where {{ block_batch_condition(batches) }}
{%- endmacro %}

{% macro incremental_chunks(batches, max_events) %}
    {#- `batches` cut into chunks of whole loads in load order, each holding at most
        `max_events` raw events (one load at least): a list of batches. A model that runs one
        statement per chunk holds one chunk's rows in memory, not the whole batch's. -#}
    {%- if batches is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query(
        'select toString(network), load_id, min(block_height), max(block_height),'
        ~ ' sum(sum(event_count)) over (partition by load_id) from '
        ~ source('chain', 'blocks') ~ ' final where ' ~ block_batch_condition(batches)
        ~ ' group by network, load_id order by load_id, network') if batches else none -%}
    {%- set marks = {} -%}
    {%- for batch in batches -%}
        {%- do marks.update({batch.network: batch.mark}) -%}
    {%- endfor -%}
    {%- set chunks = [] -%}
    {%- set cut = namespace(events=0, version=none, lower=0, heights={}) -%}
    {%- for network, version, first, last, events in (found.rows if found else []) -%}
        {%- if version != cut.version -%}
            {%- if cut.version is not none and cut.events + events > max_events -%}
                {%- do chunks.append(chunk_batches(cut.heights, marks, cut.lower, cut.version)) -%}
                {%- set cut.lower = cut.version -%}
                {%- set cut.events = 0 -%}
                {%- set cut.heights = {} -%}
            {%- endif -%}
            {%- set cut.events = cut.events + events -%}
            {%- set cut.version = version -%}
        {%- endif -%}
        {%- set seen = cut.heights.get(network, [first, last]) -%}
        {%- do cut.heights.update({network: [[seen[0], first] | min, [seen[1], last] | max]}) -%}
    {%- endfor -%}
    {%- if cut.version is not none -%}
        {%- do chunks.append(chunk_batches(cut.heights, marks, cut.lower, cut.version)) -%}
    {%- endif -%}
    {{ return(chunks) }}
{% endmacro %}

{% macro chunk_batches(heights, marks, lower, upper) %}
    {#- One chunk of incremental_chunks: `heights` {network: [first, last]}, versions above
        `lower` (the previous chunk's upper) and the network's mark, up to `upper`. -#}
    {%- set batches = [] -%}
    {%- for network in heights | sort -%}
        {%- do batches.append({'network': network, 'first_height': heights[network][0],
            'last_height': heights[network][1], 'mark': [marks.get(network, 0), lower] | max,
            'upper': upper}) -%}
    {%- endfor -%}
    {{ return(batches) }}
{% endmacro %}

{% macro incremental_header(chunks) -%}
    {#- The comment that carries the run's batch (a list of chunks; [batches] when the model
        does not chunk) to the model's hooks (incremental_state). -#}
    -- incremental batch: {{ tojson({'full': not is_incremental(), 'chunks': chunks})
        if chunks is not none else 'all' }}
{%- endmacro %}

{% macro incremental_state() %}
    {#- {full, chunks} from the header of the statement being run; none without one (while
        dbt parses, or a statement that read every version in a unit test). -#}
    {%- set found = modules.re.search('-- incremental batch: (\\{.*\\})', sql or '') -%}
    {{ return(fromjson(found.group(1)) if execute and found else none) }}
{% endmacro %}

{% macro delete_batch_blocks() %}
    {#- pre_hook of a model that appends rows per block: deletes its rows of every block in the
        batch, so the statement's new rows replace them (readers never see a block twice and
        need no FINAL). Skipped (no mutation) when no row matches. -#}
    {%- set state = incremental_state() -%}
    {%- if not (state and not state.full) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set batches = [] -%}
    {%- for chunk in state.chunks -%}
        {%- do batches.extend(chunk) -%}
    {%- endfor -%}
    {%- set selection = ' where (network, block_height) in (select network, block_height from '
        ~ source('chain', 'blocks') ~ ' final where ' ~ block_batch_condition(batches) ~ ')' -%}
    {%- if batches and run_query('select count() from ' ~ this ~ selection).rows[0][0] > 0 -%}
        {{ return('delete from ' ~ this ~ selection) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro insert_remaining_chunks() %}
    {#- post_hook of a chunked model: its own statement again for each chunk after the first
        (which the statement ran), with that chunk's bounds in place of the first one's. The
        compiled statement is reused as it is because it holds the ephemeral models it reads. -#}
    {%- set state = incremental_state() -%}
    {%- set first = block_batch_condition(state.chunks[0]) if state else '' -%}
    {%- for batches in (state.chunks[1:] if state else []) -%}
        {%- if first not in sql -%}
            {{ exceptions.raise_compiler_error(
                'insert_remaining_chunks: the statement does not read its first chunk') }}
        {%- endif -%}
        {%- do run_query(clickhouse__insert_into(
            this, sql.replace(first, block_batch_condition(batches)), false)) -%}
    {%- endfor -%}
{% endmacro %}
