-- The attributes of the events a batch lands (its planned lines), for address_candidates.sql.
select {network:String} as network, e.attributes as attributes
from {{ stage }} as s array join s.events as e
where s.problem = '' and s.line_no in (select line_no from {{ plan }})
