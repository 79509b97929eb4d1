{#
    Incremental processing by block version. Every raw block version has a load_id that only
    grows. An incremental model records, per network, the newest version it has processed (its
    watermark) in the table dbt_watermarks beside the models: a block that produced no row
    leaves no trace in the model's own rows. A run processes the versions above its watermark up
    to the newest one its upstream model has processed (or, for balance_transfers, the newest
    loaded), so no model runs ahead of what it reads.
#}

{% macro watermarks_relation() %}
    {{ return(api.Relation.create(schema=target.schema, identifier='dbt_watermarks')) }}
{% endmacro %}

{% macro create_watermarks_table() %}
    {#- on-run-start: the table of watermarks, one row per (model, network) and recording. -#}
    {%- if execute -%}
        {%- do run_query('create database if not exists ' ~ target.schema) -%}
        {%- do run_query('create table if not exists ' ~ watermarks_relation() ~ ' (model String,'
            ~ ' network LowCardinality(String), version UInt64,'
            ~ " recorded_at DateTime64(6, 'UTC') default now64(6, 'UTC'))"
            ~ ' engine = ReplacingMergeTree(recorded_at) order by (model, network)') -%}
    {%- endif -%}
{% endmacro %}

{% macro stored_watermarks(model_identifier) %}
    {#- {network: newest version `model_identifier` has processed}; read at run time only. -#}
    {%- set marks = {} -%}
    {%- if execute -%}
        {%- set found = run_query(
            'select toString(network), argMax(version, recorded_at) from '
            ~ watermarks_relation() ~ ' where model = ' ~ quoted_literal(model_identifier)
            ~ ' group by network') -%}
        {%- for row in found.rows -%}
            {%- do marks.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(marks) }}
{% endmacro %}

{% macro record_watermarks() %}
    {#- post_hook: this model has processed the block versions its statement's header names. A
        first build or full refresh also resets the networks it no longer holds. -#}
    {%- set state = incremental_state() -%}
    {%- if not state -%}{{ return('') }}{%- endif -%}
    {%- set uppers = {} -%}
    {%- for chunk in state.chunks -%}
        {%- for batch in chunk -%}
            {%- set newest = [uppers.get(batch.network, 0), batch.upper] | max -%}
            {%- do uppers.update({batch.network: newest}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if state.full -%}
        {%- for network in stored_watermarks(this.identifier) if network not in uppers -%}
            {%- do uppers.update({network: 0}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for network, version in uppers.items() | sort -%}
        {%- do rows.append('(' ~ quoted_literal(this.identifier) ~ ', ' ~ quoted_literal(network)
            ~ ', ' ~ version ~ ')') -%}
    {%- endfor -%}
    {%- if rows -%}
        {%- do run_query('insert into ' ~ watermarks_relation()
            ~ ' (model, network, version) values ' ~ rows | join(', ')) -%}
    {%- endif -%}
{% endmacro %}
