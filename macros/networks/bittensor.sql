{# Bittensor (bittensor, bittensor_testnet): subtensor's stake events (SubtensorModule, all
    fields unnamed in the runtime: substrate-interface and Sidecar give arrays; the names of
    the named shape are this project's). Amounts are TAO (rao, 9 decimals), alpha has 9
    decimals too. docs/networks.md lists every layout and its row. #}

{% macro bittensor_alpha_decimals() %}
    {{ return(9) }}
{% endmacro %}

{% macro bittensor_stake_fields() %}
    {#- StakeAdded / StakeRemoved in their positional order since dTAO: (coldkey, hotkey,
        tao_amount, alpha_amount, netuid) until runtime spec ~252, (..., fee) from there on.
        The old runtimes' [hotkey, amount] has no coldkey: positionally its hotkey is first and
        its amount second; `amount` is read by name only, from its named shape. -#}
    {{ return(['coldkey', 'hotkey', 'tao_amount', 'alpha_amount', 'netuid', 'fee', 'amount']) }}
{% endmacro %}

{% macro bittensor_stake_sides(side) %}
    {#- The columns of StakeAdded (side 'added') or StakeRemoved ('removed') in every layout:
        legacy (the old layout: no third field), coldkey ('' when legacy: never invented),
        hotkey, amount, the subnet fields and the layout check. -#}
    {% set f = rule_field_refs(bittensor_stake_fields()) %}
    {% set named = attributes_are_named() %}
    {% set legacy = f.tao_amount ~ " = ''" %}
    {% set coldkey = 'if(' ~ legacy ~ ", '', " ~ f.coldkey ~ ')' %}
    {% set hotkey = 'if(' ~ legacy ~ ' and not ' ~ named ~ ', ' ~ f.coldkey ~ ', ' ~ f.hotkey
        ~ ')' %}
    {% set amount = 'multiIf(not ' ~ legacy ~ ', ' ~ f.tao_amount ~ ', ' ~ named ~ ', ' ~ f.amount
        ~ ', ' ~ f.hotkey ~ ')' %}
    {{ return({
        'legacy': legacy,
        'coldkey': coldkey,
        'hotkey': hotkey,
        'amount': amount,
        'stake': stake_fields(
            netuid=f.netuid, alpha_amount=f.alpha_amount,
            alpha_decimals=bittensor_alpha_decimals(), stake_fee=f.fee,
            legs='if(' ~ legacy ~ ', [], [tuple(' ~ quoted_literal(side) ~ ', ' ~ coldkey ~ ', '
                ~ hotkey ~ ', ' ~ f.netuid ~ ')])'),
        'layout_ok': layout_has({
            2: [hotkey, amount],
            5: [f.coldkey, f.hotkey, f.tao_amount, f.alpha_amount, f.netuid],
            6: [f.coldkey, f.hotkey, f.tao_amount, f.alpha_amount, f.netuid, f.fee],
        }),
    }) }}
{% endmacro %}

{% macro bittensor_stake_added() %}
    {# SubtensorModule.StakeAdded: coldkey -> hotkey, tao_amount staked (the stake fee is part
        of it), alpha received (old layout: '' -> hotkey). #}
    {% set s = bittensor_stake_sides('added') %}
    {{ return(transfer_rule(
        'SubtensorModule', 'StakeAdded', bittensor_stake_fields(),
        'if(' ~ s.legacy ~ ", 'stake_added_legacy', 'stake_added')",
        s.coldkey, s.hotkey, s.amount, stake=s.stake, layout_ok=s.layout_ok
    )) }}
{% endmacro %}

{% macro bittensor_stake_removed() %}
    {# SubtensorModule.StakeRemoved: hotkey -> coldkey, tao_amount paid out, alpha paid in
        (old layout: hotkey -> ''). #}
    {% set s = bittensor_stake_sides('removed') %}
    {{ return(transfer_rule(
        'SubtensorModule', 'StakeRemoved', bittensor_stake_fields(),
        'if(' ~ s.legacy ~ ", 'stake_removed_legacy', 'stake_removed')",
        s.hotkey, s.coldkey, s.amount, stake=s.stake, layout_ok=s.layout_ok
    )) }}
{% endmacro %}

{% macro bittensor_stake_movement(event_id, names, transfer_type, sides, origin, destination) %}
    {#- A stake movement: from -> to (`sides`: two field names), its tao_amount, the origin and
        destination subnets, and the StakeRemoved (origin: coldkey, hotkey, netuid field
        names) and StakeAdded (destination) legs the runtime emitted for it in the same
        extrinsic, claimed so they are not counted again. -#}
    {% set f = rule_field_refs(names) %}
    {% set present = [] %}
    {% for name in names %}{% do present.append(f[name]) %}{% endfor %}
    {% set legs = [] %}
    {% for side, keys in [('removed', origin), ('added', destination)] %}
        {% do legs.append('tuple(' ~ quoted_literal(side) ~ ', ' ~ f[keys[0]] ~ ', '
            ~ f[keys[1]] ~ ', ' ~ f[keys[2]] ~ ')') %}
    {% endfor %}
    {{ return(transfer_rule(
        'SubtensorModule', event_id, names, quoted_literal(transfer_type),
        f[sides[0]], f[sides[1]], f.tao_amount,
        stake=stake_fields(
            netuid=f[origin[2]], destination_netuid=f[destination[2]],
            legs='[' ~ legs | join(', ') ~ ']', is_movement=true),
        layout_ok=layout_has({names | length: present})
    )) }}
{% endmacro %}

{% macro bittensor_stake_moved() %}
    {# SubtensorModule.StakeMoved (coldkey, origin_hotkey, origin_netuid, dest_hotkey,
        dest_netuid, tao_amount): origin hotkey -> destination hotkey of the same coldkey. #}
    {{ return(bittensor_stake_movement(
        'StakeMoved',
        ['coldkey', 'origin_hotkey', 'origin_netuid', 'dest_hotkey', 'dest_netuid', 'tao_amount'],
        'stake_moved', ['origin_hotkey', 'dest_hotkey'],
        ['coldkey', 'origin_hotkey', 'origin_netuid'], ['coldkey', 'dest_hotkey', 'dest_netuid']
    )) }}
{% endmacro %}

{% macro bittensor_stake_transferred() %}
    {# SubtensorModule.StakeTransferred (origin_coldkey, dest_coldkey, hotkey, origin_netuid,
        dest_netuid, tao_amount): origin coldkey -> destination coldkey (the stake changes
        owner, the hotkey stays). #}
    {{ return(bittensor_stake_movement(
        'StakeTransferred',
        ['origin_coldkey', 'dest_coldkey', 'hotkey', 'origin_netuid', 'dest_netuid', 'tao_amount'],
        'stake_transferred', ['origin_coldkey', 'dest_coldkey'],
        ['origin_coldkey', 'hotkey', 'origin_netuid'], ['dest_coldkey', 'hotkey', 'dest_netuid']
    )) }}
{% endmacro %}

{% macro bittensor_stake_swapped() %}
    {# SubtensorModule.StakeSwapped (coldkey, hotkey, origin_netuid, dest_netuid, tao_amount):
        subnet -> subnet of the same owner, so coldkey -> coldkey with the subnets in netuid ->
        destination_netuid (an address's history keeps its swaps). #}
    {{ return(bittensor_stake_movement(
        'StakeSwapped', ['coldkey', 'hotkey', 'origin_netuid', 'dest_netuid', 'tao_amount'],
        'stake_swapped', ['coldkey', 'coldkey'],
        ['coldkey', 'hotkey', 'origin_netuid'], ['coldkey', 'hotkey', 'dest_netuid']
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

{% macro bittensor_alpha_fee_paid() %}
    {# SubtensorModule.TransactionFeePaidWithAlpha {who, netuid, alpha_fee, tao_amount}: not a
        transfer; the fee of its extrinsic was paid in alpha, so the extrinsic's
        TransactionFeePaid (its TAO equivalent) is no TAO fee (models/marts/transfers/
        bittensor_alpha_fees.sql keeps it). #}
    {{ return({
        'module_id': 'SubtensorModule',
        'event_id': 'TransactionFeePaidWithAlpha',
        'fields': ['who', 'netuid', 'alpha_fee', 'tao_amount'],
    }) }}
{% endmacro %}
