-- The cursor of a followed source: its checkpoint with the highest id (no row: none yet).
select argMax(next_height, checkpoint_id), argMax(status, checkpoint_id), argMax(detail, checkpoint_id)
from {{ db }}.follow_checkpoints
where network = {network:String} and source = {source:String}
having count() > 0
