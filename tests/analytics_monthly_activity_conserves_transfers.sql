-- Every transfer is in exactly one period of network_activity_monthly: per network and
-- asset, its transfer counts, volumes and fees add up to balance_transfers'.
{{ analytics_conservation_failures(ref('network_activity_monthly')) }}
