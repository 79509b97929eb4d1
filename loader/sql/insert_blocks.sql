-- The planned blocks: written last, these rows commit the batch (loader/schema.sql).
insert into {{ db }}.blocks (network, block_height, block_hash, block_time, extrinsic_count, event_count, source, load_id, loaded_at)
select {network:String}, block_height, block_hash, block_time, length(extrinsics), length(events), source,
    {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {{ stage }}
where problem = '' and line_no in (select line_no from {{ plan }})
