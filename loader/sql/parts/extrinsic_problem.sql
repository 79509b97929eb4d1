-- What is wrong with an extrinsic (`x`), '' if nothing.
multiIf(
    isNull(x.index), 'index missing',
    NOT match(x.index, '^[0-9]{1,10}$') OR toUInt64OrZero(x.index) > 4294967295, concat('index is not an unsigned integer: ', left(x.index, 60)),
    isNotNull(x.hash) AND NOT match(x.hash, '^0x[0-9a-fA-F]*$'), 'hash is not a 0x-prefixed hex string or null',
    isNull(x.call_module) OR NOT match(x.call_module, '^[A-Za-z][A-Za-z0-9_]*$'), 'call_module missing or not a name',
    isNull(x.call_function) OR NOT match(x.call_function, '^[A-Za-z][A-Za-z0-9_]*$'), 'call_function missing or not a name',
    isNull(x.success) OR x.success NOT IN ('true', 'false'), 'success missing or not a boolean',
    isNotNull(x.pays_fee) AND x.pays_fee NOT IN ('true', 'false'), 'pays_fee is not a boolean or null',
    '')
