-- Batches that never recorded 'committed' or 'cleaned', and whether their blocks rows exist.
select load_id, any(source), load_id in (select load_id from {{ db }}.blocks where network = {network:String})
from {{ db }}.loads
where network = {network:String}
group by load_id
having countIf(status in ('committed', 'cleaned')) = 0
