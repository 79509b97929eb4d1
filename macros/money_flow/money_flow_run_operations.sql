{#-
    The money-flow queries for `dbt run-operation`: each prints a readable table. Arguments are
    bound safely (macros/money_flow/money_flow_parameters.sql). Examples:

    dbt run-operation money_flow_shortest_path --args '{source_address: A, target_address: B, asset: TOR}'
    dbt run-operation money_flow_explore --args '{addresses: "A, B", direction: both, max_depth: 2}'
    dbt run-operation money_flow_community_top --args '{address: A}'
    dbt run-operation money_flow_high_value --args '{asset: TOR, min_volume: 1000}'
    dbt run-operation money_flow_similar --args '{address: A}'

    `network` defaults to torus everywhere.
-#}

{% macro money_flow_print(title, sql, max_rows=100) %}
    {#- Runs `sql` and prints its rows as a table under `title`. -#}
    {%- if execute %}
        {%- set result = run_query(sql) %}
        {{- print('\n' ~ title ~ ': ' ~ (result.rows | length) ~ ' row(s)') }}
        {%- if result.rows | length > 0 %}
            {%- do result.print_table(max_rows=max_rows, max_columns=12, max_column_width=60) %}
        {%- endif %}
    {%- endif %}
{% endmacro %}

{% macro money_flow_shortest_path(
    source_address, target_address, asset='', max_depth=6, network='torus'
) %}
    {%- do money_flow_print(
        'Shortest path ' ~ source_address ~ ' -> ' ~ target_address,
        money_flow_shortest_path_sql(network, source_address, target_address, asset, max_depth)
    ) %}
{% endmacro %}

{% macro money_flow_explore(
    addresses, direction='out', asset='', max_depth=2, max_rows=1000, network='torus'
) %}
    {%- do money_flow_print(
        'Edges within ' ~ max_depth ~ ' hop(s), ' ~ direction,
        money_flow_explore_sql(network, addresses, direction, asset, max_depth, max_rows),
        max_rows | int
    ) %}
{% endmacro %}

{% macro money_flow_community_top(community_id='', address='', max_rows=10, network='torus') %}
    {%- do money_flow_print(
        'Top addresses by community PageRank',
        money_flow_community_top_sql(network, community_id, address, max_rows)
    ) %}
{% endmacro %}

{% macro money_flow_high_value(asset='', min_volume='0', max_rows=20, network='torus') %}
    {%- do money_flow_print(
        'High-value relationships', money_flow_high_value_sql(network, asset, min_volume, max_rows)
    ) %}
{% endmacro %}

{% macro money_flow_similar(address, max_rows=10, network='torus') %}
    {%- do money_flow_print(
        'Addresses similar to ' ~ address, money_flow_similar_sql(network, address, max_rows)
    ) %}
{% endmacro %}
