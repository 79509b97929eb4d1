{#- Polkadot: staking rewards, treasury awards, crowdloan contributions and auction bids. -#}

{% macro polkadot_staking_rewarded() %}
    {#- Staking.Rewarded {stash, dest, amount} / [stash, dest, amount], or the runtimes before
        `dest` was added: [stash, amount]. "staking" -> stash. -#}
    {{ return(transfer_rule(
        'Staking', 'Rewarded', "'staking_reward'",
        "'staking'", attribute_address('stash', 1),
        "if(not is_named and JSONLength(attributes) = 2, JSONExtractRaw(attributes, 2), "
            ~ attribute_raw('amount', 3) ~ ")",
        from_is_system=true
    )) }}
{% endmacro %}

{% macro polkadot_crowdloan_contributed() %}
    {#- Crowdloan.Contributed {who, fund_index, amount} / [who, fund_index, amount]:
        who -> "crowdloan-{fund_index}". -#}
    {{ return(transfer_rule(
        'Crowdloan', 'Contributed', "'crowdloan_contribution'",
        attribute_address('who', 1), "concat('crowdloan-', " ~ attribute_id('fund_index', 2) ~ ")",
        attribute_raw('amount', 3),
        to_is_system=true
    )) }}
{% endmacro %}

{% macro polkadot_auction_bid_accepted() %}
    {#- Auctions.BidAccepted {bidder, para_id, amount, first_slot, last_slot} / positional in
        that order: bidder -> "auction-{para_id}". -#}
    {{ return(transfer_rule(
        'Auctions', 'BidAccepted', "'auction_bid'",
        attribute_address('bidder', 1), "concat('auction-', " ~ attribute_id('para_id', 2) ~ ")",
        attribute_raw('amount', 3),
        to_is_system=true
    )) }}
{% endmacro %}
