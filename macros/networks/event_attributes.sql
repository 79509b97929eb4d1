{#-
    Reading event attributes whatever the decoder's shape. substrate-interface gives a JSON
    object for named fields ({"from": .., "to": .., "amount": ..}); polkadot-js, Sidecar and
    tuple variants give a positional array ([from, to, amount]). Each helper takes the field's
    name and its 1-based position and reads whichever applies. They expect the columns
    `attributes` (JSON text) and `is_named` (JSONType(attributes) = 'Object') in scope.
-#}

{% macro attribute_raw(name, position) -%}
    {#- The field's JSON text as written (numbers beyond UInt64 come back quoted); '' if absent. -#}
    if(is_named, JSONExtractRaw(attributes, '{{ name }}'), JSONExtractRaw(attributes, {{ position }}))
{%- endmacro %}

{% macro attribute_address(name, position) -%}
    {#- An account (a JSON string); '' if absent or not a string. -#}
    if(is_named, JSONExtractString(attributes, '{{ name }}'), JSONExtractString(attributes, {{ position }}))
{%- endmacro %}

{% macro attribute_id(name, position) -%}
    {#- A small id (fund index, para id) as text, whether a JSON number or a numeric string. -#}
    trim(both '"' from {{ attribute_raw(name, position) }})
{%- endmacro %}

{% macro attribute_count() -%}
    {#- Number of fields: array length or object key count (tells runtime layouts apart). -#}
    JSONLength(attributes)
{%- endmacro %}

{% macro has_attribute(name) -%}
    {#- Whether a named (object) shape has the field. -#}
    (is_named and JSONHas(attributes, '{{ name }}'))
{%- endmacro %}
