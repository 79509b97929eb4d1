{# Torus (torus, torus_testnet): the design's staking reward and treasury award, plus the
    stake flows the Torus runtime emits as [staker, agent, amount]. #}

{% macro torus_stake_added() %}
    {# Torus0.StakeAdded [staker, agent, amount] / {staker, agent, amount}: staker -> agent. #}
    {% set names = ['staker', 'agent', 'amount'] %}
    {% set f = rule_field_refs(names) %}
    {{ return(transfer_rule(
        'Torus0', 'StakeAdded', names, "'stake_added'", f.staker, f.agent, f.amount
    )) }}
{% endmacro %}

{% macro torus_stake_removed() %}
    {# Torus0.StakeRemoved [staker, agent, amount] / {staker, agent, amount}: agent -> staker. #}
    {% set names = ['staker', 'agent', 'amount'] %}
    {% set f = rule_field_refs(names) %}
    {{ return(transfer_rule(
        'Torus0', 'StakeRemoved', names, "'stake_removed'", f.agent, f.staker, f.amount
    )) }}
{% endmacro %}
