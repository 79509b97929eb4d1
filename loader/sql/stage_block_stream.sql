-- Stage the rows of a block_stream table between two heights (loader/block_stream.py): each row
-- is a block; positions "HEIGHT-INDEX" give event and extrinsic indexes.
insert into {{ stage }} (line_no, source, location, raw, problem, block_height, block_hash, block_time, extrinsics, events)
select
    line_no, {source:String}, concat({source:String}, ':', toString(block_height)),
    if(problem = '', '', formatRowNoNewline('JSONEachRow', block_height, block_hash, block_timestamp, `events.event_idx`,
        `events.extrinsic_id`, `events.module_id`, `events.event_id`, `events.attributes`)),
    problem, block_height, block_hash, fromUnixTimestamp64Milli(toInt64(block_timestamp), 'UTC'), [],
    if(problem = '', arrayMap(i -> (
        toUInt32(extract(`events.event_idx`[i], '^[0-9]+-([0-9]{1,9})$')),
        extrinsic_indexes[i],
        multiIf(isNotNull(extrinsic_indexes[i]), 'apply_extrinsic', first_extrinsic_event = 0 OR i < first_extrinsic_event,
            'initialization', 'finalization'),
        `events.module_id`[i], `events.event_id`[i], `events.attributes`[i]), arrayEnumerate(`events.event_idx`)), [])
from (
    select
        {first_line:UInt64} + rowNumberInAllBlocks() as line_no, block_height, block_hash, block_timestamp,
        `events.event_idx`, `events.extrinsic_id`, `events.module_id`, `events.event_id`, `events.attributes`,
        arrayMap(x -> if(match(x, '^[0-9]+-([0-9]{1,9})$'), toUInt32OrNull(extract(x, '^[0-9]+-([0-9]{1,9})$')), NULL),
            `events.extrinsic_id`) as extrinsic_indexes,
        arrayFirstIndex(x -> isNotNull(x), extrinsic_indexes) as first_extrinsic_event,
        multiIf(
            NOT match(block_hash, '^0x[0-9a-fA-F]+$'), 'block_hash is not a 0x-prefixed hex string',
            NOT arrayAll(x -> match(x, '^[0-9]+-([0-9]{1,9})$'), `events.event_idx`), 'an event_idx is not HEIGHT-INDEX',
            NOT arrayAll(x -> x = '' OR match(x, '^[0-9]+-([0-9]{1,9})$'), `events.extrinsic_id`), 'an extrinsic_id is not HEIGHT-INDEX',
            NOT arrayAll(x -> isValidJSON(x), `events.attributes`), 'an attributes value is not JSON text',
            NOT arrayAll(x -> match(x, '^[A-Za-z][A-Za-z0-9_]*$'), arrayConcat(`events.module_id`, `events.event_id`)),
                'a module_id or event_id is not a name',
            length(arrayDistinct(`events.event_idx`)) != length(`events.event_idx`), 'two events with the same event_idx',
            '') as problem
    from {{ table }}
    where block_height between {low:UInt32} and {high:UInt32}
)
