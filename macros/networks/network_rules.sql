{% macro network_transfer_rules() %}
    {#- Rule set name (var `networks`, key `rules`) -> the rules it applies. Every set applies
        the common rules; `generic` applies only those. An event matches at most one rule of
        its network's set, so each transfer is found once. -#}
    {%- set common = [balances_transfer()] -%}
    {{ return({
        'generic': common,
        'torus': common + [
            staking_reward('system'), treasury_awarded(), torus_stake_added(), torus_stake_removed(),
            torus_stream_distribution()
        ],
        'bittensor': common + [
            bittensor_stake_added(), bittensor_stake_removed(), bittensor_stake_moved(),
            bittensor_stake_transferred(), bittensor_stake_swapped(), bittensor_emission_received()
        ],
        'polkadot': common + [
            polkadot_staking_rewarded(), staking_reward('staking'), treasury_awarded(),
            polkadot_crowdloan_contributed(), polkadot_auction_bid_accepted()
        ],
    }) }}
{% endmacro %}
