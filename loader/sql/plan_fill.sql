-- The block version each height gets: the last readable line of the batch for that height,
-- unless the raw tables already hold that hash (then it is skipped).
insert into {{ plan }} (block_height, line_no, block_hash, old_block_hash, old_load_id)
with
    winners as (
        select block_height, max(line_no) as last_line_no from {{ stage }} where problem = '' group by block_height
    ),
    committed as (
        select block_height, argMax(block_hash, load_id) as committed_hash, max(load_id) as committed_load_id
        from {{ db }}.blocks
        where network = {network:String} and block_height between {low:UInt32} and {high:UInt32}
        group by block_height
    )
select s.block_height, s.line_no, s.block_hash, c.committed_hash, c.committed_load_id
from {{ stage }} as s
inner join winners as w on s.block_height = w.block_height and s.line_no = w.last_line_no
left join committed as c on s.block_height = c.block_height
where s.problem = '' and s.block_hash != c.committed_hash
settings join_use_nulls = 0
