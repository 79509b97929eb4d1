{% macro network_transfer_rules() %}
    {#-
        The dispatch: rule set name (seeds/networks.csv `rules`) -> the rules it applies.
        Every set applies the common rules; `generic` applies only those. The model
        int_transfers_extracted turns this into one pass over the events (an event matches at
        most one rule of its network's set, so each transfer is emitted once).
    -#}
    {%- set common = [balances_transfer()] -%}
    {{ return({
        'generic': common,
        'torus': common + [
            staking_reward('system'), treasury_awarded(), torus_stake_added(), torus_stake_removed()
        ],
        'bittensor': common + [
            bittensor_stake_added(), bittensor_stake_removed(), bittensor_emission_received()
        ],
        'polkadot': common + [
            polkadot_staking_rewarded(), staking_reward('staking'), treasury_awarded(),
            polkadot_crowdloan_contributed(), polkadot_auction_bid_accepted()
        ],
    }) }}
{% endmacro %}

{% macro flat_transfer_rules(rule_sets=none) %}
    {#- Every (rule set, rule) pair, numbered from 1 in a fixed order: the `rules` argument of
        the transfer_rule_* macros below (the model builds it once per compile). Only the sets
        in `rule_sets` when given (the sets of the networks an incremental run reads). -#}
    {%- set flat = [] -%}
    {%- for rule_set, rules in network_transfer_rules().items()
        if rule_sets is none or rule_set in rule_sets -%}
        {%- for rule in rules -%}
            {%- do flat.append({'rule_set': rule_set, 'rule': rule}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(flat) }}
{% endmacro %}

{% macro transfer_rule_events_filter(rules) -%}
    {#- Predicate: the event is one a rule reads, as an `or` of `module_id = .. and event_id = ..`
        (on LowCardinality columns each comparison runs on the dictionary: several times cheaper
        than a `(module_id, event_id) in (..)` tuple, which hashes every row's pair). -#}
    {%- set pairs = [] -%}
    {%- for item in rules -%}
        {%- set pair = "module_id = '" ~ item.rule.module_id
            ~ "' and event_id = '" ~ item.rule.event_id ~ "'" -%}
        {%- if pair not in pairs %}{% do pairs.append(pair) %}{% endif -%}
    {%- endfor -%}
    ({{ pairs | join(')\n        or (') }})
{%- endmacro %}

{% macro transfer_rule_number(rules_column, rules) -%}
    {#- Number of the rule an event matches in its network's rule set; 0 for none. -#}
    multiIf(
    {%- for item in rules %}
        {{ rules_column }} = '{{ item.rule_set }}' and module_id = '{{ item.rule.module_id }}'
        and event_id = '{{ item.rule.event_id }}', {{ loop.index }},
    {%- endfor %}
        0
    )
{%- endmacro %}

{% macro rule_numbers_by_expression(expressions) %}
    {#- [(expression, [rule numbers])] in first-seen order: rules sharing an expression share one
        multiIf branch (Balances.Transfer is the same rule in every set), fewer branches to run. -#}
    {%- set grouped = [] -%}
    {%- set seen = {} -%}
    {%- for expression in expressions -%}
        {%- if expression not in seen -%}
            {%- do seen.update({expression: grouped | length}) -%}
            {%- do grouped.append((expression, [])) -%}
        {%- endif -%}
        {%- do grouped[seen[expression]][1].append(loop.index) -%}
    {%- endfor -%}
    {{ return(grouped) }}
{% endmacro %}

{% macro rule_branches(expressions, default) -%}
    {#- multiIf choosing, by rule_number, the expression of the event's rule. -#}
    multiIf(
    {%- for expression, numbers in rule_numbers_by_expression(expressions) %}
        rule_number in ({{ numbers | join(', ') }}), {{ expression }},
    {%- endfor %}
    {{ default }}
    )
{%- endmacro %}

{% macro transfer_rule_fields(rules) -%}
    {#- The fields the event's rule (rule_number in scope) or the fee payment reads: one
        JSONExtract per event, padded to a Tuple of rule_field_count() Strings. -#}
    {%- set extracts = [] -%}
    {%- for item in rules -%}
        {%- do extracts.append(rule_fields_extract(item.rule.fields)) -%}
    {%- endfor -%}
    {{ rule_branches(extracts, "if(is_fee_payment, "
        ~ rule_fields_extract(transaction_fee_paid().fields) ~ ", "
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

{% macro batch_rule_sets(batches) %}
    {#- The rule sets of the networks in `batches` (block_batches), from the networks seed;
        none, i.e. every set, when there is no batch. An incremental run then writes out only
        the rules its events can match: every rule is a branch in several multiIf expressions
        the engine analyses and plans (+1% run of one network: 180 -> 131 ms). -#}
    {%- if not batches -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rule_set_of = {} -%}
    {%- for row in run_query('select toString(network), rules from ' ~ ref('networks')).rows -%}
        {%- do rule_set_of.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set rule_sets = [] -%}
    {%- for batch in batches -%}
        {#- a chain without a row of its own reads the `generic` row's settings -#}
        {%- do rule_sets.append(rule_set_of.get(batch.network, rule_set_of.get('generic'))) -%}
    {%- endfor -%}
    {{ return(rule_sets | unique | list) }}
{% endmacro %}
