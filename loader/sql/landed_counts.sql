-- What a batch wrote: its planned blocks, their events and extrinsics.
select count(), sum(length(events)), sum(length(extrinsics))
from {{ stage }}
where problem = '' and line_no in (select line_no from {{ plan }})
