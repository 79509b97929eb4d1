-- An event's attributes as JSON text: objects, arrays, numbers and booleans come back as JSON
-- text; a bare string comes back unquoted; the exact path's `attributes_text` wins.
multiIf(
    isNotNull(e.attributes_text), e.attributes_text,
    isNull(e.attributes), 'null',
    match(e.attributes, '^([\\[{]|-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$|true$|false$)'), e.attributes,
    toJSONString(e.attributes))
