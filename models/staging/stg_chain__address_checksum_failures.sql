-- Addresses of SS58 shape whose checksum is wrong, one row each (the loader checks them as it
-- lands events; the engine cannot: it has no BLAKE2b). A raw database no loader of this version
-- has written to yet has no such table: none are known until its next load checks them.
{%- if raw_table_exists('address_checksum_failures') %}
    select distinct address
    from {{ source('chain', 'address_checksum_failures') }}
{%- else %}
    select '' as address
    where false
{%- endif %}
