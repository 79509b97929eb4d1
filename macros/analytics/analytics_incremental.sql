{#
  Incremental bookkeeping of the analytics tables (used only when is_incremental()).

  Watermark: every row keeps _version = the highest balance_transfers._version (raw load_id) it
  was built from, so max(_version) of the table is the newest load it has seen.
  Touched blocks: blocks whose current version was loaded after the watermark
  (stg_chain__blocks.load_id > watermark): new blocks and re-loaded (replaced) ones, including
  blocks whose new version has no transfer at all. A replay of the same blocks loads nothing new,
  so it touches nothing. A block at or below the table's highest last_block may have replaced an
  older version: the periods (or addresses) whose [first_block, last_block] range holds it are
  touched too, because the rows they had from the old version may be gone.
  Models calling these add `-- depends_on: {{ ref('stg_chain__blocks') }}`.
#}
{% macro analytics_watermark() -%}
    (select coalesce(max(_version), 0) from {{ this }})
{%- endmacro %}

{#
  CTEs touched_blocks (network, block_height, block_time) and replaced_blocks (the touched
  blocks that may have replaced a block this table already summarised), each followed by a
  comma: put the call first in a WITH.
#}
{% macro analytics_touched_block_ctes() %}
touched_blocks as (
    select
        network,
        block_height,
        block_time
    from {{ ref('stg_chain__blocks') }}
    where load_id > {{ analytics_watermark() }}
),

replaced_blocks as (
    select
        network,
        block_height
    from touched_blocks
    where block_height <= (select coalesce(max(last_block), 0) from {{ this }})
),
{% endmacro %}

{#
  (network, period_start) of every period to recompute, after analytics_touched_block_ctes:
  the periods of the touched blocks and the periods already in this table (column
  period_column) whose [first_block, last_block] holds a replaced block.
#}
{% macro analytics_touched_periods(grain, period_column) %}
    select distinct
        network,
        {{ analytics_period_start(grain, 'block_time') }} as period_start
    from touched_blocks
    union distinct
    select distinct
        summarised.network,
        summarised.{{ period_column }} as period_start
    from {{ this }} as summarised
    inner join replaced_blocks on summarised.network = replaced_blocks.network
    where replaced_blocks.block_height between summarised.first_block and summarised.last_block
{% endmacro %}

{#
  Rows a recompute emptied (all their transfers were replaced away) come back as rows with
  transfer_count = 0 (see the models' key union); delete_insert replaces the old row with that
  one and this post-hook removes it, so readers never see a stale row.
#}
{% macro analytics_delete_emptied_rows() %}
    {%- if execute and is_incremental() -%}
        delete from {{ this }} where transfer_count = 0
    {%- endif -%}
{% endmacro %}
