-- A new checkpoint; one follower per raw database (as for the loader), so max + 1 is a safe id.
insert into {{ db }}.follow_checkpoints (checkpoint_id, network, source, next_height, status, detail, load_ids,
    recorded_at)
select (select max(checkpoint_id) from {{ db }}.follow_checkpoints) + 1, {network:String}, {source:String},
    {next_height:UInt64}, {status:String}, {detail:String}, {load_ids:Array(UInt64)}, now64(3, 'UTC')
