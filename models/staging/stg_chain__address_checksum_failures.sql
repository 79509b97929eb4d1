-- Addresses of SS58 shape whose checksum is wrong, one row each (the loader checks them as it
-- lands events; the engine cannot: it has no BLAKE2b).
select distinct address
from {{ source('chain', 'address_checksum_failures') }}
