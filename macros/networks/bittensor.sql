{# Bittensor (bittensor, bittensor_testnet). Subtensor's stake events changed layout between
    runtimes: old [hotkey, amount] / {hotkey, amount} (the coldkey is not in the event), current
    (coldkey, hotkey, tao_amount, alpha_amount, netuid, ...) / {coldkey, hotkey, tao_amount, ..}.
    The old layout gives a row with the coldkey side '' and transfer_type 'stake_added_legacy' /
    'stake_removed_legacy': the coldkey is unknown, never invented. Amounts are TAO (rao, 9
    decimals). Field names, positional order of the current layout; `amount` (6th) is read by
    name only, from the old named layout. #}

{% macro bittensor_stake_fields() %}
    {{ return(['coldkey', 'hotkey', 'tao_amount', 'alpha_amount', 'netuid', 'amount']) }}
{% endmacro %}

{% macro bittensor_stake_sides() %}
    {# (is_legacy, coldkey, hotkey, amount) SQL for both layouts and both shapes: the old
        layout has no third field (tao_amount); positionally its hotkey is first, amount second. #}
    {% set f = rule_field_refs(bittensor_stake_fields()) %}
    {% set named = attributes_are_named() %}
    {% set legacy = f.tao_amount ~ " = ''" %}
    {{ return({
        'legacy': legacy,
        'coldkey': 'if(' ~ legacy ~ ", '', " ~ f.coldkey ~ ')',
        'hotkey': 'if(' ~ legacy ~ ' and not ' ~ named ~ ', ' ~ f.coldkey ~ ', ' ~ f.hotkey ~ ')',
        'amount': 'multiIf(not ' ~ legacy ~ ', ' ~ f.tao_amount ~ ', ' ~ named ~ ', ' ~ f.amount
            ~ ', ' ~ f.hotkey ~ ')',
    }) }}
{% endmacro %}

{% macro bittensor_stake_added() %}
    {# SubtensorModule.StakeAdded: coldkey -> hotkey, tao_amount (old layout: '' -> hotkey). #}
    {% set s = bittensor_stake_sides() %}
    {{ return(transfer_rule(
        'SubtensorModule', 'StakeAdded', bittensor_stake_fields(),
        'if(' ~ s.legacy ~ ", 'stake_added_legacy', 'stake_added')",
        s.coldkey, s.hotkey, s.amount
    )) }}
{% endmacro %}

{% macro bittensor_stake_removed() %}
    {# SubtensorModule.StakeRemoved: hotkey -> coldkey, tao_amount (old layout: hotkey -> ''). #}
    {% set s = bittensor_stake_sides() %}
    {{ return(transfer_rule(
        'SubtensorModule', 'StakeRemoved', bittensor_stake_fields(),
        'if(' ~ s.legacy ~ ", 'stake_removed_legacy', 'stake_removed')",
        s.hotkey, s.coldkey, s.amount
    )) }}
{% endmacro %}

{% macro bittensor_emission_received() %}
    {# SubtensorModule.EmissionReceived [hotkey, amount] / {hotkey, amount}:
        "emission" -> hotkey. #}
    {% set f = rule_field_refs(['hotkey', 'amount']) %}
    {{ return(transfer_rule(
        'SubtensorModule', 'EmissionReceived', ['hotkey', 'amount'], "'emission'",
        "'emission'", f.hotkey, f.amount,
        from_is_system=true
    )) }}
{% endmacro %}
