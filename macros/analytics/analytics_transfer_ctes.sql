{#
  CTEs shared by the analytics models (call them in a WITH; add the comma after the call).
  `transfer_filter` (SQL on balance_transfers columns) is applied to the balance_transfers scan
  itself, before the bin join, so an incremental run reads and bins only the touched periods.

  analytics_binned_transfer_ctes -> binned_transfers: balance_transfers with amount_bin, the bin
  each transfer falls in (1 = smallest, see analytics_amount_bin_names); assets missing from the
  seed use its '_default' bins.
#}
{% macro analytics_binned_transfer_ctes(transfer_filter=none) %}
bin_transfer_rows as (
    select
        network,
        block_height,
        event_index,
        block_time,
        from_address,
        to_address,
        from_is_system,
        to_is_system,
        asset,
        amount,
        fee,
        _version
    from {{ ref('balance_transfers') }}
    where {{ transfer_filter or 'true' }}
),

asset_bin_floors as (
    select
        asset as bin_asset,
        bin_floors
    from {{ ref('int_analytics__amount_bin_floors') }}
),

default_bin_floors as (
    select bin_floors
    from asset_bin_floors
    where bin_asset = '_default'
),

binned_transfers as (
    select
        bin_transfer_rows.network as network,
        bin_transfer_rows.block_height as block_height,
        bin_transfer_rows.event_index as event_index,
        bin_transfer_rows.block_time as block_time,
        bin_transfer_rows.from_address as from_address,
        bin_transfer_rows.to_address as to_address,
        bin_transfer_rows.from_is_system as from_is_system,
        bin_transfer_rows.to_is_system as to_is_system,
        bin_transfer_rows.asset as asset,
        bin_transfer_rows.amount as amount,
        bin_transfer_rows.fee as fee,
        arrayCount(
            bin_floor -> bin_transfer_rows.amount >= bin_floor,
            if(empty(asset_bins.bin_floors), default_bin_floors.bin_floors, asset_bins.bin_floors)
        ) as amount_bin,
        bin_transfer_rows._version as _version
    from bin_transfer_rows
    left join asset_bin_floors as asset_bins on bin_transfer_rows.asset = asset_bins.bin_asset
    cross join default_bin_floors
)
{% endmacro %}

{#
  analytics_address_leg_ctes -> address_legs: each transfer seen from the accounts at its ends, a
  'sent' leg for the sender and a 'received' leg for the receiver (a self-transfer gives both
  legs to one address). A system counterparty ('treasury', 'staking', ...) is no address: it gets
  no leg, and the account's leg says it traded with the system (is_system_counterparty). Legs of
  the unknown account '' (legacy stake events) are dropped; counterparty is '' when unknown.
#}
{% macro analytics_address_leg_ctes(transfer_filter=none) %}
{{ analytics_binned_transfer_ctes(transfer_filter) }},

address_legs as (
    select
        network,
        asset,
        leg.1 as address,
        leg.2 as direction,
        leg.3 as counterparty,
        leg.4 as is_system_counterparty,
        from_address = to_address as is_self_transfer,
        toDate(block_time, 'UTC') as activity_date,
        block_height,
        block_time,
        amount,
        fee,
        amount_bin,
        _version
    from binned_transfers
    array join
        [
            (from_address, 'sent', to_address, to_is_system, from_is_system),
            (to_address, 'received', from_address, from_is_system, to_is_system)
        ] as leg
    where leg.1 != '' and not leg.5
)
{% endmacro %}
