{#
  Incremental bookkeeping of the analytics tables (used only when is_incremental()), on the
  batch of macros/incremental/batches.sql: the block versions this table has not summarised
  yet, up to the newest its upstream model has processed.
  Touched blocks: the current versions in the batch, new blocks and re-loaded (replaced) ones,
  including blocks whose new version has no transfer. A block at or below the table's highest
  last_block may have replaced an older version: the periods (or addresses) whose
  [first_block, last_block] range holds it are touched too, because the rows they had from the
  old version may be gone.
#}
{#
  The CTEs of an incremental run, each followed by a comma (put the call first in a WITH): those
  of analytics_touched_block_ctes, then `name` holding `touched_sql` (analytics_touched_rows'
  sql: the periods or addresses the run recomputes).
#}
{% macro analytics_touched_ctes(batches, name, touched_sql) %}
{{ analytics_touched_block_ctes(batches) }}

-- read through `in {{ name }}`, which sqlfluff's ST03 does not follow
{{ name }} as (  -- noqa: ST03
    {{ touched_sql }}
),
{% endmacro %}

{#
  CTEs touched_blocks (network, block_height, block_time) and replaced_blocks (the touched
  blocks that may have replaced a block this table already summarised), each followed by a
  comma: put the call first in a WITH.
#}
{% macro analytics_touched_block_ctes(batches) %}
touched_blocks as (
    {{ batch_blocks_sql(batches) }}
),

summarised_heights as (
    select
        network,
        max(last_block) as max_summarised_block
    from {{ this }}
    group by network
),

replaced_blocks as (
    select
        touched_blocks.network,
        touched_blocks.block_height
    from touched_blocks
    inner join summarised_heights on touched_blocks.network = summarised_heights.network
    where touched_blocks.block_height <= summarised_heights.max_summarised_block
),
{% endmacro %}

{#
  (network, period_start) of every period to recompute, after analytics_touched_block_ctes:
  the periods of the touched blocks and the periods already in this table (column
  period_column) whose [first_block, last_block] holds a replaced block. `grains`: one grain,
  or a list of grains for a table keyed by a `grain` column (then (grain, network,
  period_start), period_start a DateTime('UTC'), see analytics_period_start_by_grain).
#}
{% macro analytics_touched_periods(grains, period_column) %}
{% set by_grain = grains is not string %}
{% set new_grain = analytics_grains_array_join(grains) ~ ' as grain, ' if by_grain else '' %}
{% set new_period_start = analytics_period_start_by_grain('grain', 'block_time') if by_grain
    else analytics_period_start(grains, 'block_time') %}
{% set summarised_grain = 'summarised.grain, ' if by_grain else '' %}
    select distinct
        {{ new_grain }}network,
        {{ new_period_start }} as period_start
    from touched_blocks
    union distinct
    select distinct
        {{ summarised_grain }}summarised.network,
        summarised.{{ period_column }} as period_start
    from {{ this }} as summarised
    inner join replaced_blocks on summarised.network = replaced_blocks.network
    where replaced_blocks.block_height between summarised.first_block and summarised.last_block
{% endmacro %}

{#
  Scalar subquery: a lower bound of the block heights in the periods listed by `touched`, a CTE
  or subquery with a period_start column (Date or DateTime, UTC): the lowest height of the raw
  blocks (every version) timed at or after the earliest of those periods' starts. Every transfer
  of a touched period is in such a block, so `block_height >= ...` is safe and lets
  balance_transfers' sort key skip the untouched history (block times grow with heights). One
  comparison per block row, no period computed for each.
#}
{% macro analytics_first_touched_block(touched) -%}
    (
        select min(block_height)
        from {{ source('chain', 'blocks') }}
        where block_time >= (select toDateTime(min(period_start), 'UTC') from {{ touched }})
    )
{%- endmacro %}

{#
  True when this incremental run may have to remove rows: some block loaded after the
  watermark is at or below the highest block this table summarised for its network, so it may
  have replaced a block whose transfers are gone. Checked once per run (run_query); when false
  (new blocks only, the usual case) the models skip the key union of analytics_select_recomputed.
#}
{% macro analytics_has_replaced_blocks(batches) %}
    {%- if not (execute and is_incremental()) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set replaced_sql -%}
        with {{ analytics_touched_block_ctes(batches) }}
        replaced_block_count as (select count() as replaced_count from replaced_blocks)
        select replaced_count from replaced_block_count
    {%- endset -%}
    {{ return(run_query(replaced_sql).columns[0].values()[0] > 0) }}
{% endmacro %}

{#
  The rows of `touched_sql` (a SELECT of `columns` after analytics_touched_block_ctes, e.g.
  analytics_touched_periods), read once when the model runs (run_query) and written into the
  query as VALUES. A CTE is evaluated again at each of its references (the touched periods are
  read in the filter, in the first-block bound and in the key union); a few hundred literal rows
  are read at once. Over var analytics_touched_rows_inline_max (500) rows, `touched_sql` itself
  is returned instead, so the statement stays far below ClickHouse's max_query_size (256 KiB).
  `columns`: [name, ClickHouse type] pairs. Returns {sql, has_replaced}: has_replaced is
  analytics_has_replaced_blocks(), read by the same query for analytics_select_recomputed (a
  replaced block is a touched block, so a run without touched periods has none).
#}
{% macro analytics_touched_rows(touched_sql, columns, batches) %}
    {%- set max_rows = var('analytics_touched_rows_inline_max', 500) | int -%}
    {%- set names = columns | map(attribute=0) | list -%}
    {%- set texts = [] -%}
    {%- for name, type in columns -%}
        {%- do texts.append('toString(cast(' ~ name ~ ' as ' ~ type ~ '))') -%}
    {%- endfor -%}
    {%- set query -%}
        with {{ analytics_touched_block_ctes(batches) }}
        touched as ({{ touched_sql }})
        select {{ texts | join(', ') }}, (select count() > 0 from replaced_blocks)
        from touched
        limit {{ max_rows + 1 }}
    {%- endset -%}
    {%- set found = run_query(query).rows if execute else [] -%}
    {%- set rows = [] -%}
    {%- for row in found -%}
        {%- do rows.append(row[:names | length]) -%}
    {%- endfor -%}
    {%- set has_replaced = found | length > 0 and found[0][names | length] -%}
    {%- if rows | length > max_rows -%}
        {%- set sql = touched_sql -%}
    {%- else -%}
        {%- set structure = [] -%}
        {%- set defaults = [] -%}
        {%- for name, type in columns -%}
            {%- do structure.append(name ~ ' ' ~ type) -%}
            {%- do defaults.append('1970-01-01 00:00:00' if type.startswith('DateTime')
                else '1970-01-01' if type.startswith('Date') else '') -%}
        {%- endfor -%}
        {%- set tuples = [] -%}
        {%- for row in (rows if rows else [defaults]) -%}
            {%- do tuples.append('(' ~ quoted_literals(row | list) | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'select ' ~ names | join(', ') ~ ' from values('
            ~ quoted_literal(structure | join(', ')) ~ ', ' ~ tuples | join(', ') ~ ')'
            ~ ('' if rows else ' limit 0') -%}
    {%- endif -%}
    {{ return({'sql': sql, 'has_replaced': has_replaced}) }}
{% endmacro %}
