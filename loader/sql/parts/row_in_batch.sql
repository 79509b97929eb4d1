-- A line's number within its batch (from 0), read by file() over BatchFiles' two files: 1.ndjson
-- starts `second_first` lines after 0.ndjson.
toUInt64(_row_number) + if(_file = '1.ndjson', {second_first:UInt64}, 0)
