{#
    Settings from dbt_project.yml vars as rows a model can read: they exist before anything is
    built (no seed to load first) and are checked when dbt compiles.
#}

{% macro values_rows(structure, rows) -%}
    {#- `select * from values(...)` of `rows` (lists of SQL literals) in `structure`
        ('name Type, ...'). -#}
    {%- set tuples = [] -%}
    {%- for row in rows -%}
        {%- do tuples.append('(' ~ row | join(', ') ~ ')') -%}
    {%- endfor -%}
    select * from values({{ quoted_literal(structure) }}, {{ tuples | join(', ') }})
{%- endmacro %}

{% macro setting_number(settings, key, owner, default=none) -%}
    {#- settings[key] as a non-negative number literal, or a compile error naming `owner`. -#}
    {%- set value = settings.get(key, default) -%}
    {%- set text = value | string -%}
    {%- if value is none or not text.replace('.', '', 1).isdigit() -%}
        {{ exceptions.raise_compiler_error(
            'var ' ~ owner ~ ': ' ~ key ~ ' must be a non-negative number, got ' ~ value) }}
    {%- endif -%}
    {{- return(text) -}}
{%- endmacro %}
