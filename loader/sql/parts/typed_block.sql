-- The typed block columns from the tuple of texts `p` (both fills); a block with a problem keeps no extrinsics.
toUInt32OrZero(p.block_height),
    ifNull(p.block_hash, ''),
    fromUnixTimestamp64Milli(toInt64OrZero(p.block_timestamp), 'UTC'),
    if(problem = '', arrayMap(x -> (toUInt32OrZero(x.index), ifNull(x.hash, ''), x.signer, ifNull(x.call_module, ''),
        ifNull(x.call_function, ''), x.success = 'true', if(isNull(x.pays_fee), NULL, x.pays_fee = 'true')), p.extrinsics), [])
