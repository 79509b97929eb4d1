-- The distinct strings of SS58 shape (base58 of 35 or 36 bytes) in the attributes of the
-- `{{ events }}` rows, with their bytes in hex, for loader/addresses.py to check the checksums.
-- A string written with `\u` escapes is read as the JSON value it spells, as the rules read it.
select network, address, hex(tryBase58Decode(address)) as decoded_hex
from (
    select distinct
        network,
        if(position(text, '\\') > 0, JSONExtractString(concat('["', text, '"]'), 1), text) as address
    from ({{ events }}) as landed
    array join if(position(attributes, '\\u') > 0, extractAll(attributes, {escaped:String}),
        extractAll(attributes, {plain:String})) as text
) as candidates
where length(decoded_hex) in (70, 72)
