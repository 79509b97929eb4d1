-- A row of the loads log: a batch 'started', 'committed' (with its counts) or 'cleaned'.
insert into {{ db }}.loads (load_id, network, source, status, blocks, extrinsics, events, skipped, replaced,
    quarantined, recorded_at)
values ({load_id:UInt64}, {network:String}, {source:String}, {status:String}, {blocks:UInt64}, {extrinsics:UInt64},
    {events:UInt64}, {skipped:UInt64}, {replaced:UInt64}, {quarantined:UInt64}, now64(3, 'UTC'))
