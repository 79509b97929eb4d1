-- The parsed path, tried first on every NDJSON batch (chDB): the engine parses the batch files
-- with a typed schema (JSONEachRow) keeping objects, arrays and numbers as their text as written,
-- so no line needs JSONExtract. A second read of the files as lines checks that each line is one
-- `{...}` (so parsed row n is line n) and finds ambiguous bare attributes. A line this path cannot
-- vouch for is flagged '~exact' and staged again by stage_lines.sql, which names its problem; a
-- batch that is not one object per line ('~line') is staged again whole. A line that is not UTF-8
-- is quarantined here with its bytes (Python would read it with replacement characters).
insert into {{ stage }} (line_no, source, location, raw, problem, block_height, block_hash, block_time, extrinsics, events)
select
    line_no, {source:String}, concat({source:String}, ':', toString(line_no)), not_utf8, problem,
    {{ typed_block }},
    if(problem = '', arrayMap((e, a) -> (toUInt32OrZero(e.index), toUInt32OrNull(e.extrinsic_index), ifNull(e.phase, ''),
        ifNull(e.module_id, ''), ifNull(e.event_id, ''), a), p.events, attributes), [])
from (
    select
        row + {first_line:UInt64} as line_no, p, not_utf8, arrayMap(e -> {{ parsed_attributes }}, p.events) as attributes,
        multiIf(
            NOT one_object, '~line',
            not_utf8 != '', 'not UTF-8 text, as JSON must be (raw_text holds the bytes as read)',
            match(p.block_height, '^[0-9]{1,10}$') AND toUInt64OrZero(p.block_height) <= 4294967295
                AND match(p.block_hash, '^0x[0-9a-fA-F]+$') AND match(p.block_timestamp, '^[0-9]{1,15}$')
                AND notEmpty(p.events) AND NOT ambiguous
                AND arrayAll(e -> {{ event_ok }}, p.events) AND arrayAll(x -> {{ extrinsic_ok }}, p.extrinsics)
                AND length(arrayDistinct(arrayMap(e -> e.index, p.events))) = length(p.events)
                AND length(arrayDistinct(arrayMap(x -> x.index, p.extrinsics))) = length(p.extrinsics)
                AND arrayAll(a -> isValidJSON(a), attributes), '',
            '~exact') as problem
    from (
        select {{ row_in_batch }} as row,
            tuple(block_height, block_hash, block_timestamp, extrinsics, events)::Tuple({{ parsed_block_schema }}) as p
        from file({path:String}, 'JSONEachRow', '{{ parsed_block_schema }}')
    ) as parsed
    left join (
        select {{ row_in_batch }} as row, startsWith(line, '{') AND match(line, '}\r?$') as one_object,
            match(line, {ambiguous:String}) as ambiguous, if(isValidUTF8(line), '', line) as not_utf8
        from file({path:String}, 'LineAsString', 'line String')
    ) as lines using (row)
)
settings join_use_nulls = 0
