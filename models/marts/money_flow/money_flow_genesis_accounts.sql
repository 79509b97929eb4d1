{{ config(materialized='view', tags=['money_flow']) }}
-- The design's Genesis node: the accounts endowed at Torus genesis with their genesis amount,
-- converted exactly with the network's decimals.
-- depends_on: {{ ref('balance_transfers') }} (built with the marts by `balance_transfers+`)
with genesis_network as (
    select
        network,
        decimals
    from {{ ref('int_network_settings') }}
    where network = {{ quoted_literal(var('money_flow_genesis_network', 'torus')) }}
)

select
    genesis_network.network as network,
    balances.address as address,
    {{ planck_to_decimal128_18(
        planck_digits('balances.amount_planck'), 'genesis_network.decimals'
    ) }} as genesis_amount,
    balances.amount_planck as genesis_amount_planck
from {{ ref('int_money_flow__torus_genesis_balances') }} as balances
cross join genesis_network
