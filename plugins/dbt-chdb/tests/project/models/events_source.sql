-- Rows 1..n where n comes from the var `upto`: a second run with a larger n adds rows.
select
    toUInt32(number + 1) as event_id,
    concat('acct-', toString((number % 3) + 1)) as account,
    toUInt64(number + 1) * 10 as amount
from numbers({{ var('upto', 5) }})
