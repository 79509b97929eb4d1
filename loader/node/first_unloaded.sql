-- The first height in [low, high] that the network's raw blocks do not hold (NULL: all loaded).
with present as (
    select toUInt64(block_height) as h
    from {db}.blocks
    where network = {network:String} and block_height between {low:UInt32} and {high:UInt32}
)

select minOrNull(c)
from (select {low:UInt64} as c union all select h + 1 from present)
where c not in (select h from present) and c <= {high:UInt64}
