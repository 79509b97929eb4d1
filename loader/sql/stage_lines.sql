-- Stage lines one by one (`relation`: line_no, source, location, line, original, exact): parse
-- each line once (JSONExtract into a tuple of texts), name its first problem, type the rest.
-- A line flagged '~exact' may hold numbers or bare strings the engine would re-spell: Python
-- re-writes it (exact_json.exact_line) and stages it again with `exact` set.
insert into {{ stage }} (line_no, source, location, raw, problem, block_height, block_hash, block_time, extrinsics, events)
select
    line_no, source, location,
    if(problem = '', '', if(original = '', line, original)),
    problem,
    {{ typed_block }},
    if(problem = '', arrayMap(e -> (toUInt32OrZero(e.index), toUInt32OrNull(e.extrinsic_index), ifNull(e.phase, ''),
        ifNull(e.module_id, ''), ifNull(e.event_id, ''), {{ attributes_text }}), p.events), [])
from (
    select
        line_no, source, location, line, original, p,
        multiIf(
            NOT isValidUTF8(line), 'not UTF-8 text, as JSON must be (raw_text holds the bytes as read)',
            NOT (isNotNull(p.block_height) OR isValidJSON(line)), 'invalid JSON (truncated or malformed line)',
            NOT match(line, '^[ \t\r]*[{]'), concat('not a block: a JSON ', JSONType(line), ' instead of an object'),
            isNull(p.block_height), 'block_height missing',
            NOT match(p.block_height, '^[0-9]{1,10}$') OR toUInt64OrZero(p.block_height) > 4294967295,
                concat('block_height is not an unsigned 32-bit integer: ', left(p.block_height, 60)),
            isNull(p.block_hash), 'block_hash missing',
            NOT match(p.block_hash, '^0x[0-9a-fA-F]+$'), concat('block_hash is not a 0x-prefixed hex string: ', left(p.block_hash, 80)),
            isNull(p.block_timestamp), 'block_timestamp missing',
            NOT match(p.block_timestamp, '^[0-9]{1,15}$'), concat('block_timestamp is not Unix milliseconds: ', left(p.block_timestamp, 60)),
            empty(p.events) AND NOT JSONHas(line, 'events'), 'events missing',
            empty(p.events) AND JSONType(line, 'events') != 'Array', concat('events is not an array but ', JSONType(line, 'events')),
            empty(p.events) AND JSONLength(line, 'events') > 0, 'events holds items that are not objects',
            empty(p.extrinsics) AND JSONType(line, 'extrinsics') NOT IN ('Array', 'Null'),
                concat('extrinsics is not an array but ', JSONType(line, 'extrinsics')),
            empty(p.extrinsics) AND JSONLength(line, 'extrinsics') > 0, 'extrinsics holds items that are not objects',
            event_bad > 0, concat('events[', toString(event_bad - 1), ']: ', event_problems[event_bad]),
            extrinsic_bad > 0, concat('extrinsics[', toString(extrinsic_bad - 1), ']: ', extrinsic_problems[extrinsic_bad]),
            length(arrayDistinct(arrayMap(e -> e.index, p.events))) != length(p.events), 'two events with the same index',
            length(arrayDistinct(arrayMap(x -> x.index, p.extrinsics))) != length(p.extrinsics), 'two extrinsics with the same index',
            exact = 0 AND (match(line, {number_pattern:String}) OR match(line, {bare_string_pattern:String})),
                '~exact',
            '') as problem,
        -- One regex per item tells the good ones; only a block failing it gets its problems named.
        if(arrayAll(e -> {{ event_ok }}, p.events), [], arrayMap(e -> {{ event_problem }}, p.events)) as event_problems,
        arrayFirstIndex(m -> m != '', event_problems) as event_bad,
        if(arrayAll(x -> {{ extrinsic_ok }}, p.extrinsics), [], arrayMap(x -> {{ extrinsic_problem }}, p.extrinsics)) as extrinsic_problems,
        arrayFirstIndex(m -> m != '', extrinsic_problems) as extrinsic_bad
    from (
        select line_no, source, location, line, original, exact, JSONExtract(line, '{{ raw_block_tuple }}') as p
        from {{ relation }}
        where match(line, '[^ \t\r]')
    )
)
