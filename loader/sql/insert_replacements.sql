-- The planned blocks that replace a committed version with another hash.
insert into {{ db }}.block_replacements (network, block_height, old_block_hash, new_block_hash, old_load_id, new_load_id, replaced_at)
select {network:String}, block_height, old_block_hash, block_hash, old_load_id, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {{ plan }}
where old_block_hash != ''
