-- An attribute the parsed path read as text: unambiguous bare strings get their quotes back.
multiIf(isNull(e.attributes), 'null',
    match(e.attributes, '^[\\[{]'), e.attributes,
    concat('"', e.attributes, '"'))
