-- Every chain with transfers has its own row in seeds/networks.csv (asset, decimals). A chain
-- without one gets no guessed decimals: its transfers go to balance_transfers_rejected
-- (no_network_settings) and this test fails naming it. Fix: add the chain's row to the seed.
-- It reads only the rejected view, so its failure fails the run without skipping other models.
select
    network,
    count() as transfers_without_settings
from {{ ref('balance_transfers_rejected') }}
where reject_reason = 'no_network_settings'
group by network
