-- Readable lines that lost to a later line of the batch with another hash for the same height.
select s.line_no, s.source, s.location, s.block_height, w.block_hash, w.location
from {{ stage }} as s
inner join (
    select block_height, argMax(block_hash, line_no) as block_hash, argMax(location, line_no) as location
    from {{ stage }} where problem = '' group by block_height
) as w on s.block_height = w.block_height
where s.problem = '' and s.block_hash != w.block_hash
order by s.line_no
