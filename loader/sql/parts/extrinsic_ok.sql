-- One regex over an extrinsic's fields: true for a well-formed extrinsic (`x`).
match(concat(ifNull(x.index, '\0'), '|', ifNull(x.hash, '0x'), '|', ifNull(x.call_module, '\0'), '|',
        ifNull(x.call_function, '\0'), '|', ifNull(x.success, '\0'), '|', ifNull(x.pays_fee, 'N')),
    '^[0-9]{1,9}\\|0x[0-9a-fA-F]*\\|[A-Za-z][A-Za-z0-9_]*\\|[A-Za-z][A-Za-z0-9_]*\\|(true|false)\\|(true|false|N)$')
