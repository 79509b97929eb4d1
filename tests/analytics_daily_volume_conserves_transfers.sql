-- Every transfer is in exactly one period of balance_transfers_daily_volume: per network and
-- asset, its transfer counts, volumes and fees add up to balance_transfers'.
{{ analytics_conservation_failures(ref('balance_transfers_daily_volume')) }}
