{# Polkadot: staking rewards, treasury awards, crowdloan contributions and auction bids. #}

{% macro polkadot_staking_rewarded() %}
    {# Staking.Rewarded {stash, dest, amount} / [stash, dest, amount], or the runtimes before
        `dest` was added: [stash, amount] (no third field: the amount is second). "staking" -> stash. #}
    {% set f = rule_field_refs(['stash', 'dest', 'amount']) %}
    {{ return(transfer_rule(
        'Staking', 'Rewarded', ['stash', 'dest', 'amount'], "'staking_reward'",
        "'staking'", f.stash,
        'if(' ~ f.amount ~ " = '' and not " ~ attributes_are_named() ~ ', ' ~ f.dest ~ ', ' ~ f.amount ~ ')',
        from_is_system=true
    )) }}
{% endmacro %}

{% macro polkadot_crowdloan_contributed() %}
    {# Crowdloan.Contributed {who, fund_index, amount} / [who, fund_index, amount]:
        who -> "crowdloan-{fund_index}". #}
    {% set names = ['who', 'fund_index', 'amount'] %}
    {% set f = rule_field_refs(names) %}
    {{ return(transfer_rule(
        'Crowdloan', 'Contributed', names, "'crowdloan_contribution'",
        f.who, system_account_id('crowdloan', f.fund_index), f.amount,
        to_is_system=true
    )) }}
{% endmacro %}

{% macro polkadot_auction_bid_accepted() %}
    {# Auctions.BidAccepted {bidder, para_id, amount, first_slot, last_slot} / positional in
        that order: bidder -> "auction-{para_id}". #}
    {% set names = ['bidder', 'para_id', 'amount', 'first_slot', 'last_slot'] %}
    {% set f = rule_field_refs(names) %}
    {{ return(transfer_rule(
        'Auctions', 'BidAccepted', names, "'auction_bid'",
        f.bidder, system_account_id('auction', f.para_id), f.amount,
        to_is_system=true
    )) }}
{% endmacro %}
