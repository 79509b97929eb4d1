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
