-- A parsed block, typed as the raw tables want it (also bench/load_floor.py's input).
block_height UInt32,
block_hash String,
block_time DateTime64(3, 'UTC'),
extrinsics Array(Tuple(index UInt32, hash String, signer Nullable(String), call_module String,
                       call_function String, success Bool, pays_fee Nullable(Bool))),
events Array(Tuple(index UInt32, extrinsic_index Nullable(UInt32), phase String, module_id String,
                   event_id String, attributes String))
