-- One regex over an event's fields: true for a well-formed event (`e`).
match(concat(ifNull(e.index, '\0'), '|', ifNull(e.extrinsic_index, 'N'), '|', ifNull(e.phase, '\0'), '|',
        ifNull(e.module_id, '\0'), '|', ifNull(e.event_id, '\0')),
    '^[0-9]{1,9}\\|(N|[0-9]{1,9})\\|(initialization|apply_extrinsic|finalization)\\|[A-Za-z][A-Za-z0-9_]*\\|[A-Za-z][A-Za-z0-9_]*$')
    AND (e.phase = 'apply_extrinsic') = isNotNull(e.extrinsic_index)
