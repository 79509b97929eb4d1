-- What is wrong with an event (`e`), '' if nothing.
multiIf(
    isNull(e.index), 'index missing',
    NOT match(e.index, '^[0-9]{1,10}$') OR toUInt64OrZero(e.index) > 4294967295, concat('index is not an unsigned integer: ', left(e.index, 60)),
    isNotNull(e.extrinsic_index) AND (NOT match(e.extrinsic_index, '^[0-9]{1,10}$') OR toUInt64OrZero(e.extrinsic_index) > 4294967295),
        concat('extrinsic_index is not an unsigned integer or null: ', left(e.extrinsic_index, 60)),
    isNull(e.phase), 'phase missing',
    e.phase NOT IN ('initialization', 'apply_extrinsic', 'finalization'),
        concat('phase is not initialization, apply_extrinsic or finalization: ', left(e.phase, 60)),
    (e.phase = 'apply_extrinsic') != isNotNull(e.extrinsic_index), 'extrinsic_index must be set in phase apply_extrinsic and only there',
    isNull(e.module_id), 'module_id missing',
    NOT match(e.module_id, '^[A-Za-z][A-Za-z0-9_]*$'), concat('module_id is not a name: ', left(e.module_id, 60)),
    isNull(e.event_id), 'event_id missing',
    NOT match(e.event_id, '^[A-Za-z][A-Za-z0-9_]*$'), concat('event_id is not a name: ', left(e.event_id, 60)),
    '')
