-- The first height from low to high that a block_stream table does not hold (NULL: none).
select minOrNull(h)
from (select arrayJoin(range({low:UInt64}, {high:UInt64} + 1)) as h)
where h not in (
    select toUInt64(block_height) from {{ table }} where block_height between {low:UInt32} and {high:UInt32}
)
