-- The lines of a batch's files (BatchFiles) as stage_lines.sql's relation.
(select {{ row_in_batch }} + {first_line:UInt64} as line_no,
    {source:String} as source,
    concat({source:String}, ':', toString(line_no)) as location, line, '' as original, toUInt8(0) as exact
from file({path:String}, 'LineAsString', 'line String'))
