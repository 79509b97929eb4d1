-- The batch's lines with a problem; a record already quarantined by an earlier load of the same
-- input is not written twice.
insert into {{ db }}.quarantine (network, source, location, raw_text, reason, load_id, quarantined_at)
select {network:String}, source, location, raw, problem, {load_id:UInt64}, fromUnixTimestamp64Milli({loaded_at:Int64}, 'UTC')
from {{ stage }}
where problem not in ('', '~exact')
    and (source, location, cityHash64(raw)) not in (
        select source, location, cityHash64(raw_text) from {{ db }}.quarantine
        where network = {network:String} and source in (select distinct source from {{ stage }})
    )
