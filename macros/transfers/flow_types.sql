{% macro transfer_flow_type(transfer_type) -%}
    {#- The kind of flow a transfer_type is, so a money-flow graph can be built with or without
        a kind: transfer (account to account), stake (stake added, removed, moved, transferred,
        swapped: value staying with its owner's stake or passing to another coldkey's),
        contribution (crowdloan, auction) or payout (emission, rewards, treasury awards,
        stream distributions: the system paying an account). -#}
    multiIf(
        {{ transfer_type }} = 'transfer', 'transfer',
        {{ transfer_type }} in (
            'stake_added', 'stake_removed', 'stake_added_legacy', 'stake_removed_legacy',
            'stake_moved', 'stake_transferred', 'stake_swapped'
        ), 'stake',
        {{ transfer_type }} in ('crowdloan_contribution', 'auction_bid'), 'contribution',
        'payout'
    )
{%- endmacro %}
