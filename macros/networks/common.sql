{#- Rules every network applies (the `generic` rule set is exactly these). -#}

{% macro balances_transfer() %}
    {#- Balances.Transfer {from, to, amount} / [from, to, amount]: account to account. -#}
    {{ return(transfer_rule(
        'Balances', 'Transfer', "'transfer'",
        attribute_address('from', 1), attribute_address('to', 2), attribute_raw('amount', 3)
    )) }}
{% endmacro %}

{% macro treasury_awarded() %}
    {#- Treasury.Awarded {proposal_index, award, account} / [proposal_index, award, account]:
        "treasury" -> account (Torus and Polkadot). -#}
    {{ return(transfer_rule(
        'Treasury', 'Awarded', "'treasury_award'",
        "'treasury'", attribute_address('account', 3), attribute_raw('award', 2),
        from_is_system=true
    )) }}
{% endmacro %}

{% macro staking_reward(counterparty) %}
    {#- Staking.Reward {stash, amount} / [stash, amount]: `counterparty` -> stash
        ("system" on Torus as the original design had it, "staking" on Polkadot). -#}
    {{ return(transfer_rule(
        'Staking', 'Reward', "'staking_reward'",
        "'" ~ counterparty ~ "'", attribute_address('stash', 1), attribute_raw('amount', 2),
        from_is_system=true
    )) }}
{% endmacro %}
