-- The latest quarantine record of a block at `height` from files under `folder`, found by the
-- height in its raw text (NDJSON block_height, or a Sidecar response's number).
select location, reason
from {{ db }}.quarantine
where network = {network:String} and startsWith(location, {folder:String})
    and match(raw_text, concat('"(block_height|number)"\\s*:\\s*"?', toString({height:UInt32}), '[^0-9]'))
order by quarantined_at desc
limit 1
