{#- The network rules (macros/networks/) compiled into the expressions of one pass over the
    events: every rule gets a number, and each output column is one multiIf over those numbers. -#}

{% macro flat_transfer_rules(stake_legs_only=false, batches=none) %}
    {#- Every (rule set, rule) pair, numbered from 1 in a fixed order; with stake_legs_only the
        rules of stake events that are or claim stake legs (macros/transfers/stake_legs.sql);
        with `batches`, only the rule sets their networks apply. -#}
    {%- set used = batch_rule_sets(batches) -%}
    {%- set flat = [] -%}
    {%- for rule_set, rules in network_transfer_rules().items()
        if used is none or rule_set in used -%}
        {%- for rule in rules if rule.stake_legs != '[]' or not stake_legs_only -%}
            {%- do flat.append({'rule_set': rule_set, 'rule': rule}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(flat) }}
{% endmacro %}

{% macro batch_rule_sets(batches) %}
    {#- The rule sets the networks of `batches` apply (var `networks`; `generic` for a network
        without settings), so a run compiles only those; none (every set) without batches. -#}
    {%- if batches is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set settings = var('networks') -%}
    {%- set used = [] -%}
    {%- for batch in batches -%}
        {%- set network = batch.network -%}
        {%- do used.append(settings[network].rules if network in settings else 'generic') -%}
    {%- endfor -%}
    {{ return(used) }}
{% endmacro %}

{% macro transfer_rule_events_filter(rules) -%}
    {#- Predicate, in parentheses (it is an OR chain): the event is one some rule reads. -#}
    {%- set pairs = [] -%}
    {%- for item in rules -%}
        {%- set pair = "module_id = '" ~ item.rule.module_id
            ~ "' and event_id = '" ~ item.rule.event_id ~ "'" -%}
        {%- if pair not in pairs %}{% do pairs.append(pair) %}{% endif -%}
    {%- endfor -%}
    {{- '((' ~ pairs | join(')\n        or (') ~ '))' if pairs else 'false' -}}
{%- endmacro %}

{% macro transfer_rule_number(rules_column, rules) -%}
    {#- Number of the rule an event matches in its network's rule set; 0 for none. -#}
    {%- if not rules -%}
        {{ return('0') }}
    {%- endif %}
    multiIf(
    {%- for item in rules %}
        {{ rules_column }} = '{{ item.rule_set }}' and module_id = '{{ item.rule.module_id }}'
        and event_id = '{{ item.rule.event_id }}', {{ loop.index }},
    {%- endfor %}
        0
    )
{%- endmacro %}

{% macro rule_branches(expressions, default) -%}
    {#- multiIf choosing, by rule_number, the expression of the event's rule; rules that share an
        expression (Balances.Transfer is in every set) share one branch. -#}
    {%- set grouped = [] -%}
    {%- set seen = {} -%}
    {%- for expression in expressions -%}
        {%- if expression not in seen -%}
            {%- do seen.update({expression: grouped | length}) -%}
            {%- do grouped.append((expression, [])) -%}
        {%- endif -%}
        {%- do grouped[seen[expression]][1].append(loop.index) -%}
    {%- endfor -%}
    {%- if not grouped -%}
        {{ return(default) }}
    {%- endif %}
    multiIf(
    {%- for expression, numbers in grouped %}
        rule_number in ({{ numbers | join(', ') }}), {{ expression }},
    {%- endfor %}
    {{ default }}
    )
{%- endmacro %}

{% macro transfer_rule_fields(rules, attributes, is_fee_payment='is_fee_payment') -%}
    {#- The fields the event's rule (rule_number in scope) or the fee payment (SQL
        `is_fee_payment`) reads from the JSON text `attributes`: one JSONExtract per event. -#}
    {%- set extracts = [] -%}
    {%- for item in rules -%}
        {%- do extracts.append(rule_fields_extract(item.rule.fields, attributes)) -%}
    {%- endfor -%}
    {{ rule_branches(extracts, "if(" ~ is_fee_payment ~ ", "
        ~ rule_fields_extract(transaction_fee_paid().fields, attributes) ~ ", "
        ~ rule_empty_fields(rule_field_count()) ~ ")") }}
{%- endmacro %}

{% macro transfer_rule_column(column, default, rules) -%}
    {#- One output column: the matching rule's expression for it (rule_number in scope). -#}
    {%- set expressions = [] -%}
    {%- for item in rules -%}
        {%- do expressions.append(item.rule[column]) -%}
    {%- endfor -%}
    {{ rule_branches(expressions, default) }}
{%- endmacro %}
