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
  The same for a grain held in a column (`grain_column`, one of analytics_period_grains()), as
  DateTime('UTC'): the start of the 4-hour bucket, or midnight UTC of the period's first day.
#}
{% macro analytics_period_start_by_grain(grain_column, timestamp) %}
    {%- set grains = analytics_period_grains() -%}
    multiIf(
    {%- for grain in grains[:-1] %}
        {{ grain_column }} = '{{ grain }}',
        toDateTime({{ analytics_period_start(grain, timestamp) }}, 'UTC'),
    {%- endfor %}
        toDateTime({{ analytics_period_start(grains[-1], timestamp) }}, 'UTC')
    )
{%- endmacro %}
