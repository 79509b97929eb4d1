{#-
    Incremental runs of a model that sums balance_transfers per key (money_flow_edges).

    A run reads the batch of block versions balance_transfers has processed since the model's
    watermark (macros/incremental/batches.sql) and works in two ways:

    - delta: rows whose history lies entirely below the first changed block of the batch get
      the batch's new transfers added to what they hold (the usual case: new blocks at the tip);
    - recompute: rows active at or above that first changed block (a re-processed block may
      have taken transfers away from them) are computed again from their whole history.
      Rows left with nothing become tombstones (transfer_count = 0): they delete the stored
      row and are not inserted (meta tombstone_condition,
      macros/incremental/delete_insert_strategy.sql).
      When no stored row is active at or above it (new blocks at the tip), the model leaves
      the recompute CTEs unread (batches_recompute): ClickHouse evaluates a CTE again at
      each reference, with its own planning, even when it finds nothing.

    Every bound is written out as a literal per network, including the newest block version
    the run takes (`upper`).
-#}

{% macro batches_with_recomputes(upstream) %}
    {#- This run's batch (incremental_batches, up to what `upstream` has processed), each
        network's batch with `recomputes`: some row of this model is active at or above the
        batch's first block (its highest last_block), so the batch re-processes
        blocks the model has summed up; false for new blocks at the tip, the usual case. -#}
    {%- set batches = incremental_batches(upstream=upstream) -%}
    {%- if batches and is_incremental() -%}
        {%- set highest = {} -%}
        {%- for row in run_query('select toString(network), max(last_block) from '
            ~ this ~ ' group by network').rows -%}
            {%- do highest.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {%- for batch in batches or [] -%}
            {%- do batch.update({'recomputes': batch.network in highest
                and highest[batch.network] >= batch.first_height}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(batches) -}}
{% endmacro %}

{% macro batches_recompute(batches) -%}
    {#- True when some batch re-processes blocks this model has summed up: only then does a run
        read the recomputed rows (each reference of their CTE is evaluated again, with its own
        planning, even when it finds nothing). -#}
    {{- return((batches or []) | selectattr('recomputes') | list | length > 0) -}}
{%- endmacro %}

{% macro batch_history_condition(batches) -%}
    {#- balance_transfers rows a recomputation may read: any block, not newer than `upper`. -#}
    {%- set parts = [] -%}
    {%- for batch in batches or [] -%}
        {%- do parts.append(
            '(network = ' ~ quoted_literal(batch.network) ~ ' and _version <= ' ~ batch.upper ~ ')') -%}
    {%- endfor -%}
    {{- return('(' ~ (parts | join(' or ') if parts else 'false') ~ ')') -}}
{%- endmacro %}

{% macro batch_recomputed_condition(batches, last_height_column) -%}
    {#- Rows of this model active at or above the batch's first changed block: recomputed. -#}
    {%- set parts = [] -%}
    {%- for batch in (batches or []) | selectattr('recomputes') -%}
        {%- do parts.append(
            '(network = ' ~ quoted_literal(batch.network)
            ~ ' and ' ~ last_height_column ~ ' >= ' ~ batch.first_height ~ ')') -%}
    {%- endfor -%}
    {{- return('(' ~ (parts | join(' or ') if parts else 'false') ~ ')') -}}
{%- endmacro %}
