{#
  An address as the UInt128 that distinct counts key it by: its 128-bit SipHash, the key
  uniqExact itself hashes strings to, so a count over these keys is exact in the same sense.
  The counterparty sets of int_analytics__address_days (sender_keys, receiver_keys) hold these
  keys instead of the addresses: set unions over 16-byte integers instead of 48-byte strings.
#}
{% macro analytics_address_key(address) -%}
    reinterpretAsUInt128(sipHash128({{ address }}))
{%- endmacro %}
