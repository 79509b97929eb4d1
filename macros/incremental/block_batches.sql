{#
    Incremental processing by block version. A model built from per-block input keeps, in its
    own rows, the version (raw load_id) of every block it processed. Each run takes the block
    versions newer than the newest version it holds for that network (the watermark), deletes
    its rows of those blocks (a re-loaded block whose hash changed has a new version), then
    inserts their new rows. A run with nothing new selects nothing and deletes nothing.
#}

{% macro stored_by_network(relation, expressions) %}
    {# {network: [value of each of `expressions`]}: aggregates of `relation`'s rows per network,
       read at run time only ({} at parse time). #}
    {% set stored = {} %}
    {% if execute %}
        {% set found = run_query(
            'select toString(network), ' ~ expressions | join(', ') ~ ' from ' ~ relation
            ~ ' group by network'
        ) %}
        {% for row in found.rows %}
            {% do stored.update({row[0]: row[1:] | list}) %}
        {% endfor %}
    {% endif %}
    {{ return(stored) }}
{% endmacro %}

{% macro watermarks_by_network(relation, version_column='_version') %}
    {# {network: newest version held in `relation`}; read at run time only. #}
    {% set marks = {} %}
    {% set newest = stored_by_network(relation, ['max(' ~ version_column ~ ')']) %}
    {% for network, values in newest.items() %}
        {% do marks.update({network: values[0]}) %}
    {% endfor %}
    {{ return(marks) }}
{% endmacro %}

{% macro watermark_expression(marks) %}
    {# SQL giving the row's network watermark (0 for a network the model has never seen). #}
    {% set branches = [] %}
    {% for network, version in marks.items() %}
        {% do branches.append('network = ' ~ dbt.string_literal(network) ~ ', ' ~ version) %}
    {% endfor %}
    {{ return('multiIf(' ~ (branches | join(', ')) ~ ', 0)' if branches else '0') }}
{% endmacro %}

{% macro block_batch_filter(blocks, version_column) %}
    {#
        Predicate over (network, block_height, <version_column>) that an incremental run of
        `this` applies to its input: block versions of `blocks` (a relation or a parenthesised
        query with network, block_height and version_column) newer than this model's watermark.
        It is written out with literal bounds per network (block_height bounds for partition
        and primary-key pruning; version upper bound so that a load landing mid-run is left for
        the next run, whole). 'true' on a first run or full refresh, 'false' when nothing is new.
    #}
    {{ return(block_batch_condition(block_batches(blocks, version_column), version_column)) }}
{% endmacro %}

{% macro block_batches(blocks, version_column, marks=none) %}
    {#- [{network, first_height, last_height, mark, upper}] of the block versions of `blocks`
        newer than this model's watermark (see block_batch_filter); none on a first run or full
        refresh.
        `marks`: the watermarks when the caller has read them already (watermarks_by_network). -#}
    {% if not (execute and is_incremental()) %}
        {{ return(none) }}
    {% endif %}
    {% set marks = watermarks_by_network(this) if marks is none else marks %}
    {% set found = run_query(
        'select toString(network), min(block_height), max(block_height), max(' ~ version_column
        ~ ') from ' ~ blocks
        ~ ' where ' ~ version_column ~ ' > ' ~ watermark_expression(marks)
        ~ ' group by network order by network'
    ) %}
    {% set batches = [] %}
    {% for row in found.rows %}
        {% do batches.append({'network': row[0], 'first_height': row[1], 'last_height': row[2],
            'mark': marks.get(row[0], 0), 'upper': row[3]}) %}
    {% endfor %}
    {{ return(batches) }}
{% endmacro %}

{% macro block_batch_chunks(blocks, version_column, marks, max_events) %}
    {#- The block versions of `blocks` (with an event_count column) newer than `marks`
        ({network: version}, {} for all of them), cut into chunks of whole versions (loads) in
        version order, each holding at most `max_events` events (one version at least): a list
        of chunks, each in block_batches' form. A model that processes one chunk per statement
        holds one chunk's rows in memory, not the whole batch's; after a chunk its watermark is
        the chunk's `upper` (every version up to it processed), which is the next chunk's
        `mark`. None (every version, one statement) while dbt parses, and in unit tests, whose
        inputs are CTEs, not tables. -#}
    {% if not execute or model.resource_type == 'unit_test' %}
        {{ return(none) }}
    {% endif %}
    {#- rows: network, version, its first and last heights there, its events in all networks #}
    {% set found = run_query(
        'select toString(network), ' ~ version_column ~ ', min(block_height), max(block_height),'
        ~ ' sum(sum(event_count)) over (partition by ' ~ version_column ~ ') from ' ~ blocks
        ~ ' where ' ~ version_column ~ ' > ' ~ watermark_expression(marks)
        ~ ' group by network, ' ~ version_column ~ ' order by ' ~ version_column ~ ', network'
    ) %}
    {% set chunks = [] %}
    {% set cut = namespace(events=0, version=none, lower=0, heights={}) %}
    {% for row in found.rows %}
        {% if row[1] != cut.version %}
            {% if cut.version is not none and cut.events + row[4] > max_events %}
                {% do chunks.append(chunk_batches(cut.heights, marks, cut.lower, cut.version)) %}
                {% set cut.lower = cut.version %}
                {% set cut.events = 0 %}
                {% set cut.heights = {} %}
            {% endif %}
            {% set cut.events = cut.events + row[4] %}
            {% set cut.version = row[1] %}
        {% endif %}
        {% set seen = cut.heights.get(row[0], [row[2], row[3]]) %}
        {% do cut.heights.update({row[0]: [[seen[0], row[2]] | min, [seen[1], row[3]] | max]}) %}
    {% endfor %}
    {% if cut.version is not none %}
        {% do chunks.append(chunk_batches(cut.heights, marks, cut.lower, cut.version)) %}
    {% endif %}
    {{ return(chunks) }}
{% endmacro %}

{% macro chunk_batches(heights, marks, lower, upper) %}
    {#- One chunk of block_batch_chunks in block_batches' form: `heights` {network: [first, last]},
        versions above `lower` (the previous chunk's upper) and the network's mark, up to `upper`. -#}
    {% set batches = [] %}
    {% for network in heights | sort %}
        {% do batches.append({'network': network, 'first_height': heights[network][0],
            'last_height': heights[network][1], 'mark': [marks.get(network, 0), lower] | max,
            'upper': upper}) %}
    {% endfor %}
    {{ return(batches) }}
{% endmacro %}

{% macro block_batch_condition(batches, version_column) %}
    {#- block_batch_filter's predicate for block_batches' result. -#}
    {% if batches is none %}
        {{ return('true') }}
    {% endif %}
    {% set parts = [] %}
    {% for batch in batches %}
        {% do parts.append(
            '(network = ' ~ dbt.string_literal(batch.network) ~ ' and block_height between '
            ~ batch.first_height ~ ' and ' ~ batch.last_height
            ~ ' and ' ~ version_column ~ ' > ' ~ batch.mark
            ~ ' and ' ~ version_column ~ ' <= ' ~ batch.upper ~ ')'
        ) %}
    {% endfor %}
    {{ return('(' ~ (parts | join(' or ') if parts else 'false') ~ ')') }}
{% endmacro %}

{% macro delete_reprocessed_blocks(blocks, version_column) %}
    {#
        pre_hook of a model using block_batch_filter: deletes this model's rows of the blocks
        whose version in `blocks` is newer than the watermark, so their new rows replace them
        (readers never see a block twice, no FINAL needed). Lightweight DELETE, the same on chDB
        and a server; skipped (no mutation) when no row matches.
    #}
    {% if execute and is_incremental() %}
        {{ reprocessed_blocks_delete(blocks, version_column, watermarks_by_network(this)) }}
    {% endif %}
{% endmacro %}

{% macro reprocessed_blocks_delete(blocks, version_column, marks) %}
    {#- delete_reprocessed_blocks' DELETE for the watermarks `marks`; '' when no row matches. -#}
    {% set reprocessed = 'select network, block_height from ' ~ blocks ~ ' where '
        ~ version_column ~ ' > ' ~ watermark_expression(marks) %}
    {% set selection = ' where (network, block_height) in (' ~ reprocessed ~ ')' %}
    {% if run_query('select count() from ' ~ this ~ selection).rows[0][0] > 0 %}
        {{ return('delete from ' ~ this ~ selection) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

{% macro processed_block_versions() %}
    {# The block versions int_transfers_extracted has processed (its `block` rows), as a
        parenthesised query: what balance_transfers' batches are cut from. #}
    {{ return('(select network, block_height, _version from ' ~ ref('int_transfers_extracted')
        ~ " where row_kind = 'block')") }}
{% endmacro %}
