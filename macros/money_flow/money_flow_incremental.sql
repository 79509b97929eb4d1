{#-
    Incremental runs of money_flow_edges and int_money_flow__address_stats.

    Both keep, per row, `_version`: the newest balance_transfers._version (raw load_id) the row
    contains. Per network, the largest one is the model's watermark. A run reads the block
    versions balance_transfers has processed since then (processed_block_versions(): one row
    per processed block, also for blocks without transfers) and works in two ways:

    - delta: rows whose history lies entirely below the first changed block of the batch get
      the batch's new transfers added to what they hold (the usual case: new blocks at the tip);
    - recompute: rows active at or above that first changed block (a re-processed block may
      have taken transfers away from them) are computed again from their whole history.
      Rows left with nothing become tombstones (transfer_count = 0): they delete the stored
      row and are not inserted (meta tombstone_condition, macros/materializations/).
      When no stored row is active at or above it (new blocks at the tip), the models leave
      the recompute CTEs unread (money_flow_recomputes): ClickHouse evaluates a CTE again at
      each reference, with its own planning, even when it finds nothing.

    Every bound is written out as a literal per network, including the newest block version
    the run takes (`upper`): a load landing mid-run is left, whole, for the next run.
-#}

{% macro money_flow_batches() %}
    {#- [{network, mark, first_height, upper, recomputes}] of the block versions newer than this
        model's watermark; [] on a first run or full refresh (the caller reads everything then).
        `recomputes`: some row of this model is active at or above first_height (its highest
        last_activity_block_height, read with the watermark), so the batch re-processes blocks
        the model has summed up; false for new blocks at the tip, the usual case. -#}
    {%- set batches = [] -%}
    {%- if execute and is_incremental() -%}
        {#- per network: [watermark, highest last_activity_block_height] -#}
        {%- set stored = stored_by_network(
            this, ['max(_version)', 'max(last_activity_block_height)']) -%}
        {%- set marks = {} -%}
        {%- for network, values in stored.items() -%}
            {%- do marks.update({network: values[0]}) -%}
        {%- endfor -%}
        {%- for batch in block_batches(processed_block_versions(), '_version', marks) -%}
            {%- do batch.update({'recomputes': batch.network in stored
                and stored[batch.network][1] >= batch.first_height}) -%}
            {%- do batches.append(batch) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(batches) -}}
{% endmacro %}

{% macro money_flow_recomputes(batches) -%}
    {#- True when some batch re-processes blocks this model has summed up: only then does a run
        read the recomputed rows (each reference of their CTE is evaluated again, with its own
        planning, even when it finds nothing). -#}
    {{- return(batches | selectattr('recomputes') | list | length > 0) -}}
{%- endmacro %}

{% macro money_flow_history_condition(batches) -%}
    {#- balance_transfers rows a recomputation may read: any block, not newer than `upper`. -#}
    {%- set parts = [] -%}
    {%- for batch in batches -%}
        {%- do parts.append(
            '(network = ' ~ quoted_literal(batch.network) ~ ' and _version <= ' ~ batch.upper ~ ')') -%}
    {%- endfor -%}
    {{- return('(' ~ (parts | join(' or ') if parts else 'false') ~ ')') -}}
{%- endmacro %}

{% macro money_flow_first_height_expression(batches, network_column) -%}
    {#- SQL giving the batch's first changed block of the row's network (never reached when the
        network has no batch). -#}
    {%- set branches = [] -%}
    {%- for batch in batches -%}
        {%- do branches.append(network_column ~ ' = ' ~ quoted_literal(batch.network)
            ~ ', ' ~ batch.first_height) -%}
    {%- endfor -%}
    {%- set beyond = '4294967295' -%}
    {{- return(
        'multiIf(' ~ (branches | join(', ')) ~ ', ' ~ beyond ~ ')' if branches else beyond) -}}
{%- endmacro %}

{% macro money_flow_touched_condition(batches, last_height_column) -%}
    {#- Rows of this model active at or above the batch's first changed block: recomputed. -#}
    {%- set parts = [] -%}
    {%- for batch in batches | selectattr('recomputes') -%}
        {%- do parts.append(
            '(network = ' ~ quoted_literal(batch.network)
            ~ ' and ' ~ last_height_column ~ ' >= ' ~ batch.first_height ~ ')') -%}
    {%- endfor -%}
    {{- return('(' ~ (parts | join(' or ') if parts else 'false') ~ ')') -}}
{%- endmacro %}
