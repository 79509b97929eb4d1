-- What is loaded, per network and source (`substrate-loader status`).
with
    current_blocks as (
        select network, block_height, argMax(source, load_id) as source, argMax(event_count, load_id) as event_count,
               max(loaded_at) as loaded_at
        from {{ db }}.blocks group by network, block_height
    ),
    loaded as (
        select network, source, count() as blocks, min(block_height) as first_height, max(block_height) as last_height,
               sum(event_count) as events, max(loaded_at) as last_load
        from current_blocks group by network, source
    ),
    quarantined as (select network, source, count() as quarantined from {{ db }}.quarantine group by network, source),
    replaced as (select network, count() as replacements from {{ db }}.block_replacements group by network),
    -- per network: the table keeps one row per (network, address), whichever load found it
    bad_checksums as (
        select network, uniqExact(address) as bad_checksums from {{ db }}.address_checksum_failures group by network
    )
select network, source, blocks, first_height, last_height, events, last_load, quarantined, replacements,
       bad_checksums
from loaded full outer join quarantined using (network, source)
left join replaced using (network)
left join bad_checksums using (network)
order by network, source
