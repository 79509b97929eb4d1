-- The planned blocks' extrinsics.
insert into {{ db }}.extrinsics (network, block_height, block_hash, block_time, extrinsic_index, extrinsic_hash, signer,
    call_module, call_function, success, pays_fee, source, load_id, loaded_at)
select {network:String}, s.block_height, s.block_hash, s.block_time, x.index, x.hash, ifNull(x.signer, ''),
    x.call_module, x.call_function, x.success, x.pays_fee, s.source, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {{ stage }} as s array join s.extrinsics as x
where s.problem = '' and s.line_no in (select line_no from {{ plan }})
