{# Rules every network applies (the `generic` rule set is exactly these), and shared ones. #}

{% macro balances_transfer() %}
    {# Balances.Transfer {from, to, amount} / [from, to, amount]: account to account. #}
    {% set f = rule_field_refs(['from', 'to', 'amount']) %}
    {{ return(transfer_rule(
        'Balances', 'Transfer', ['from', 'to', 'amount'], "'transfer'", f['from'], f.to, f.amount
    )) }}
{% endmacro %}

{% macro treasury_awarded() %}
    {# Treasury.Awarded {proposal_index, award, account} / [proposal_index, award, account]:
        "treasury" -> account (Torus and Polkadot). #}
    {% set names = ['proposal_index', 'award', 'account'] %}
    {% set f = rule_field_refs(names) %}
    {{ return(transfer_rule(
        'Treasury', 'Awarded', names, "'treasury_award'", "'treasury'", f.account, f.award,
        from_is_system=true
    )) }}
{% endmacro %}

{% macro staking_reward(counterparty) %}
    {# Staking.Reward {stash, amount} / [stash, amount]: `counterparty` -> stash
        ("system" on Torus as the original design had it, "staking" on Polkadot). #}
    {% set f = rule_field_refs(['stash', 'amount']) %}
    {{ return(transfer_rule(
        'Staking', 'Reward', ['stash', 'amount'], "'staking_reward'",
        "'" ~ counterparty ~ "'", f.stash, f.amount,
        from_is_system=true
    )) }}
{% endmacro %}

{% macro transaction_fee_paid() %}
    {# TransactionPayment.TransactionFeePaid {who, actual_fee, tip} / [who, actual_fee, tip]:
        not a transfer; actual_fee (tip included) becomes the fee of a transfer of its extrinsic.
        tip is not read: actual_fee already holds it. #}
    {{ return({
        'module_id': 'TransactionPayment',
        'event_id': 'TransactionFeePaid',
        'fields': ['who', 'actual_fee'],
    }) }}
{% endmacro %}
