{#-
    The money-flow queries for `dbt run-operation`: each prints a table with every value in full
    (amounts exact). Arguments are bound safely (macros/money_flow/money_flow_parameters.sql); a
    missing required one stops with an error naming it. Examples:

    dbt run-operation money_flow_shortest_path --args '{source_address: A, target_address: B, asset: TOR}'
    dbt run-operation money_flow_explore --args '{addresses: "A, B", direction: both, max_depth: 2}'
    dbt run-operation money_flow_community_top --args '{address: A}'
    dbt run-operation money_flow_high_value --args '{asset: TOR, min_volume: 1000}'
    dbt run-operation money_flow_similar --args '{address: A}'

    `network` defaults to torus everywhere.
-#}

{% macro money_flow_print(title, sql) %}
    {#- Runs `sql` and prints its rows as a table under `title`, values as money_flow_cell_text
        writes them (agate's print_table rounds numbers and cuts long values). -#}
    {%- if execute %}
        {%- set result = run_query(sql) %}
        {%- set table = [result.column_names | list] %}
        {%- for row in result.rows %}
            {%- set cells = [] %}
            {%- for value in row %}
                {%- do cells.append(money_flow_cell_text(value)) %}
            {%- endfor %}
            {%- do table.append(cells) %}
        {%- endfor %}
        {%- set widths = [] %}
        {%- for column in table[0] %}
            {%- do widths.append(table | map(attribute=loop.index0) | map('length') | max) %}
        {%- endfor %}
        {%- set lines = ['', title ~ ': ' ~ (result.rows | length) ~ ' row(s)'] %}
        {%- for cells in (table if result.rows | length > 0 else []) %}
            {%- set padded = [] %}
            {%- for cell in cells %}
                {%- do padded.append(cell.ljust(widths[loop.index0])) %}
            {%- endfor %}
            {%- do lines.append('| ' ~ padded | join(' | ') ~ ' |') %}
            {%- if loop.first %}
                {%- set rules = [] %}
                {%- for width in widths %}
                    {%- do rules.append('-' * width) %}
                {%- endfor %}
                {%- do lines.append('| ' ~ rules | join(' | ') ~ ' |') %}
            {%- endif %}
        {%- endfor %}
        {{- print(lines | join('\n')) }}
    {%- endif %}
{% endmacro %}

{% macro money_flow_cell_text(value) -%}
    {#- A value as text in full: integers as they are, other numbers (agate's Decimals) in plain
        notation without trailing zeros, NULL as an empty cell. -#}
    {%- if value is none -%}
        {{- return('') -}}
    {%- elif value is boolean -%}
        {{- return('true' if value else 'false') -}}
    {%- elif value is number and value is not integer -%}
        {%- set text = '{:f}'.format(value) -%}
        {{- return(text.rstrip('0').rstrip('.') if '.' in text else text) -}}
    {%- endif -%}
    {{- return(value | string) -}}
{%- endmacro %}

{% macro money_flow_shortest_path(
    source_address=none, target_address=none, asset='', max_depth=6, network='torus'
) %}
    {#- Prints the shortest directed path from source_address to target_address. -#}
    {%- set source = money_flow_required(source_address, 'source_address') %}
    {%- set target = money_flow_required(target_address, 'target_address') %}
    {%- do money_flow_print(
        'Shortest path ' ~ source ~ ' -> ' ~ target,
        money_flow_shortest_path_sql(network, source, target, asset, max_depth)
    ) %}
{% endmacro %}

{% macro money_flow_explore(
    addresses=none, direction='out', asset='', max_depth=2, max_rows=1000, network='torus'
) %}
    {#- Prints the edges within max_depth hops of the given addresses. -#}
    {%- set starts = money_flow_required(addresses, 'addresses') %}
    {%- do money_flow_print(
        'Edges within ' ~ max_depth ~ ' hop(s), ' ~ direction,
        money_flow_explore_sql(network, starts, direction, asset, max_depth, max_rows)
    ) %}
{% endmacro %}

{% macro money_flow_community_top(community_id='', address='', max_rows=10, network='torus') %}
    {#- Prints a community's addresses by community PageRank (given its id or an address). -#}
    {%- if (community_id | string | trim) == '' %}
        {%- do money_flow_required(address, 'community_id or address') %}
    {%- endif %}
    {%- do money_flow_print(
        'Top addresses by community PageRank',
        money_flow_community_top_sql(network, community_id, address, max_rows)
    ) %}
{% endmacro %}

{% macro money_flow_high_value(asset='', min_volume='0', max_rows=20, network='torus') %}
    {#- Prints the relationships above min_volume, biggest first. -#}
    {%- do money_flow_print(
        'High-value relationships', money_flow_high_value_sql(network, asset, min_volume, max_rows)
    ) %}
{% endmacro %}

{% macro money_flow_similar(address=none, max_rows=10, network='torus') %}
    {#- Prints the addresses whose network embedding is closest to the address's. -#}
    {%- set target = money_flow_required(address, 'address') %}
    {%- do money_flow_print(
        'Addresses similar to ' ~ target, money_flow_similar_sql(network, target, max_rows)
    ) %}
{% endmacro %}
