{#
  Start of the UTC period a timestamp falls in. grain: '4h' (DateTime, buckets 00/04/08/12/16/20
  UTC), 'day' (Date), 'week' (Date of the Monday that starts the ISO week), 'month' (Date).
  The explicit 'UTC' keeps the server's time zone out of every bucket; a Date argument (already a
  UTC day) takes none: pass timezone=none.
#}
{% macro analytics_period_start(grain, timestamp, timezone="'UTC'") %}
    {%- set tz = ', ' ~ timezone if timezone else '' -%}
    {%- if grain == '4h' -%}
        toStartOfInterval({{ timestamp }}, interval 4 hour{{ tz }})
    {%- elif grain == 'day' -%}
        toDate({{ timestamp }}{{ tz }})
    {%- elif grain == 'week' -%}
        toMonday({{ timestamp }}{{ tz }})
    {%- elif grain == 'month' -%}
        toStartOfMonth({{ timestamp }}{{ tz }})
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "analytics_period_start: unknown grain '" ~ grain ~ "' (use 4h, day, week or month)") }}
    {%- endif -%}
{% endmacro %}

{#
  The same as a DateTime('UTC') for every grain (the start of the 4-hour bucket, or midnight UTC
  of the period's first day): the one type int_analytics__network_periods keys all grains by.
#}
{% macro analytics_period_start_time(grain, timestamp) -%}
    toDateTime({{ analytics_period_start(grain, timestamp) }}, 'UTC')
{%- endmacro %}

{# analytics_period_start_time for a grain held in a column (one of analytics_period_grains()). #}
{% macro analytics_period_start_by_grain(grain_column, timestamp) %}
    {%- set grains = analytics_period_grains() -%}
    {%- set branches = [] -%}
    {%- for grain in grains[:-1] -%}
        {%- do branches.append(grain_column ~ " = '" ~ grain ~ "', "
            ~ analytics_period_start_time(grain, timestamp)) -%}
    {%- endfor %}
    multiIf({{ branches | join(', ') }}, {{ analytics_period_start_time(grains[-1], timestamp) }})
{%- endmacro %}

{# Each row once per grain of `grains`: an arrayJoin over their literals, to alias as `grain`. #}
{% macro analytics_grains_array_join(grains) -%}
    arrayJoin([{{ quoted_literals(grains) | join(', ') }}])
{%- endmacro %}
