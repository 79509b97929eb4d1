-- The first height from `start` on that the network's raw blocks do not hold.
with present as (
    select toUInt64(block_height) as h from {{ db }}.blocks
    where network = {network:String} and block_height >= {start:UInt64}
)
select min(c) from (select {start:UInt64} as c union all select h + 1 from present)
where c not in (select h from present)
