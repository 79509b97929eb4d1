{# Torus (torus, torus_testnet): the design's staking reward and treasury award, plus the
    stake flows the Torus runtime emits as [staker, agent, amount] (u128 amounts, 18 decimals)
    and the emission streams of Permission0 paid to their recipients. #}

{% macro torus_stake(event_id, transfer_type, staker_sends) %}
    {#- Torus0.StakeAdded / StakeRemoved [staker, agent, amount] / {staker, agent, amount}:
        staker -> agent when `staker_sends`, else agent -> staker. -#}
    {% set names = ['staker', 'agent', 'amount'] %}
    {% set f = rule_field_refs(names) %}
    {% set sides = [f.staker, f.agent] if staker_sends else [f.agent, f.staker] %}
    {{ return(transfer_rule(
        'Torus0', event_id, names, quoted_literal(transfer_type), sides[0], sides[1], f.amount,
        layout_ok=layout_has({3: []})
    )) }}
{% endmacro %}

{% macro torus_stake_added() %}
    {# Torus0.StakeAdded: staker -> agent. #}
    {{ return(torus_stake('StakeAdded', 'stake_added', true)) }}
{% endmacro %}

{% macro torus_stake_removed() %}
    {# Torus0.StakeRemoved: agent -> staker. #}
    {{ return(torus_stake('StakeRemoved', 'stake_removed', false)) }}
{% endmacro %}

{% macro torus_stream_distribution() %}
    {# Permission0.StreamDistribution {permission_id, stream_id, recipient, amount, reason}:
        the stream permission pays its recipient, "permission-{permission_id}" -> recipient
        (the delegator is not in the event: PermissionDelegated names it). The amount is the
        recipient's share, part of which may accumulate again in the recipient's own streams.
        Permission0.AccumulatedEmission is not a rule: it sets emission aside inside a
        permission (no account is paid), and the StreamDistribution that pays it out is the
        flow, so it is counted once. #}
    {% set names = ['permission_id', 'stream_id', 'recipient', 'amount', 'reason'] %}
    {% set f = rule_field_refs(names) %}
    {{ return(transfer_rule(
        'Permission0', 'StreamDistribution', names, "'stream_distribution'",
        "if(match(" ~ f.permission_id ~ ", '^0x[0-9a-fA-F]+$'), concat('permission-', "
            ~ f.permission_id ~ "), '')",
        f.recipient, f.amount,
        from_is_system=true, layout_ok=layout_has({5: []})
    )) }}
{% endmacro %}
