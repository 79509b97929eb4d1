-- Each transfer seen from both ends: a 'sent' leg for the sender and a 'received' leg for the
-- receiver (a self-transfer gives both legs to one address). Transfers with a system
-- counterparty are left out unless var analytics_include_system_counterparties is true.
-- counterparty is '' when the other side is unknown (legacy stake events).
with

counted_transfers as (
    select
        network,
        asset,
        block_height,
        block_time,
        from_address,
        to_address,
        from_is_system,
        to_is_system,
        amount,
        fee,
        amount_bin,
        _version
    from {{ ref('int_analytics__transfers_binned') }}
    {% if not analytics_include_system() %}
        where not from_is_system and not to_is_system
    {% endif %}
)

select
    network,
    asset,
    leg.1 as address,
    leg.2 as direction,
    leg.3 as counterparty,
    leg.4 as is_system_address,
    from_address = to_address as is_self_transfer,
    toDate(block_time, 'UTC') as activity_date,
    block_height,
    block_time,
    amount,
    fee,
    amount_bin,
    _version
from counted_transfers
array join
    [
        (from_address, 'sent', to_address, from_is_system),
        (to_address, 'received', from_address, to_is_system)
    ] as leg
-- '' is the unknown account of legacy stake events: no address to describe
where leg.1 != ''
