-- The planned blocks' events.
insert into {{ db }}.events (network, block_height, block_hash, block_time, extrinsic_index, event_index, phase,
    module_id, event_id, attributes, source, load_id, loaded_at)
select {network:String}, s.block_height, s.block_hash, s.block_time, e.extrinsic_index, e.index, e.phase,
    e.module_id, e.event_id, e.attributes, s.source, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {{ stage }} as s array join s.events as e
where s.problem = '' and s.line_no in (select line_no from {{ plan }})
