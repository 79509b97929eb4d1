{#- Torus (torus, torus_testnet): the design's staking reward and treasury award, plus the
    stake flows the Torus runtime emits as [staker, agent, amount]. -#}

{% macro torus_stake_added() %}
    {#- Torus0.StakeAdded [staker, agent, amount] / {staker, agent, amount}: staker -> agent. -#}
    {{ return(transfer_rule(
        'Torus0', 'StakeAdded', "'stake_added'",
        attribute_address('staker', 1), attribute_address('agent', 2), attribute_raw('amount', 3)
    )) }}
{% endmacro %}

{% macro torus_stake_removed() %}
    {#- Torus0.StakeRemoved [staker, agent, amount] / {staker, agent, amount}: agent -> staker. -#}
    {{ return(transfer_rule(
        'Torus0', 'StakeRemoved', "'stake_removed'",
        attribute_address('agent', 2), attribute_address('staker', 1), attribute_raw('amount', 3)
    )) }}
{% endmacro %}
