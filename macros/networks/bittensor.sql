{#- Bittensor (bittensor, bittensor_testnet). Subtensor's stake events changed layout between
    runtimes: old [hotkey, amount] (the coldkey is not in the event), current
    (coldkey, hotkey, tao_amount, alpha_amount, netuid, ...). The old layout gives a row with
    the coldkey side '' and transfer_type 'stake_added_legacy' / 'stake_removed_legacy': the
    coldkey is unknown, never invented. Amounts are TAO (rao, 9 decimals). -#}

{% macro bittensor_is_legacy_stake_layout() -%}
    {#- Old layout: two positional fields, or a named shape without a coldkey. -#}
    if(is_named, not JSONHas(attributes, 'coldkey'), JSONLength(attributes) = 2)
{%- endmacro %}

{% macro bittensor_stake_added() %}
    {#- SubtensorModule.StakeAdded: coldkey -> hotkey, tao_amount (old layout: '' -> hotkey). -#}
    {%- set legacy = bittensor_is_legacy_stake_layout() -%}
    {{ return(transfer_rule(
        'SubtensorModule', 'StakeAdded',
        "if(" ~ legacy ~ ", 'stake_added_legacy', 'stake_added')",
        "if(" ~ legacy ~ ", '', " ~ attribute_address('coldkey', 1) ~ ")",
        "if(" ~ legacy ~ ", " ~ attribute_address('hotkey', 1) ~ ", " ~ attribute_address('hotkey', 2) ~ ")",
        "if(" ~ legacy ~ ", " ~ attribute_raw('amount', 2) ~ ", " ~ attribute_raw('tao_amount', 3) ~ ")"
    )) }}
{% endmacro %}

{% macro bittensor_stake_removed() %}
    {#- SubtensorModule.StakeRemoved: hotkey -> coldkey, tao_amount (old layout: hotkey -> ''). -#}
    {%- set legacy = bittensor_is_legacy_stake_layout() -%}
    {{ return(transfer_rule(
        'SubtensorModule', 'StakeRemoved',
        "if(" ~ legacy ~ ", 'stake_removed_legacy', 'stake_removed')",
        "if(" ~ legacy ~ ", " ~ attribute_address('hotkey', 1) ~ ", " ~ attribute_address('hotkey', 2) ~ ")",
        "if(" ~ legacy ~ ", '', " ~ attribute_address('coldkey', 1) ~ ")",
        "if(" ~ legacy ~ ", " ~ attribute_raw('amount', 2) ~ ", " ~ attribute_raw('tao_amount', 3) ~ ")"
    )) }}
{% endmacro %}

{% macro bittensor_emission_received() %}
    {#- SubtensorModule.EmissionReceived [hotkey, amount] / {hotkey, amount}:
        "emission" -> hotkey. -#}
    {{ return(transfer_rule(
        'SubtensorModule', 'EmissionReceived', "'emission'",
        "'emission'", attribute_address('hotkey', 1), attribute_raw('amount', 2),
        from_is_system=true
    )) }}
{% endmacro %}
