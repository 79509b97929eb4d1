{#
    Reading event attributes whatever the decoder's shape: substrate-interface gives a JSON
    object for named fields ({"from": .., "to": .., "amount": ..}); polkadot-js, Sidecar and
    tuple variants give a positional array ([from, to, amount]). One JSONExtract into a Tuple of
    Strings reads a rule's fields by name from an object and by position from an array: strings
    unquoted, integers as their exact digits (u128 included), nested values as JSON text, a
    missing field as ''. The Tuple names only the rule's own fields (each name is looked up in
    the object); it is padded to a fixed width afterwards so one column holds every rule's.
#}

{% macro rule_field_count() %}
    {{ return(7) }}
{% endmacro %}

{% macro rule_fields_type(names) %}
    {#- 'Tuple(from String, to String, amount String)': the rule's fields only. -#}
    {%- if names | length > rule_field_count() -%}
        {% do exceptions.raise_compiler_error(
            'a rule reads at most ' ~ rule_field_count() ~ ' fields: ' ~ names | join(', ')
        ) %}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for name in names -%}
        {%- do fields.append(name ~ ' String') -%}
    {%- endfor -%}
    {{ return('Tuple(' ~ (fields | join(', ')) ~ ')') }}
{% endmacro %}

{% macro rule_empty_fields(count) %}
    {#- SQL: a tuple of `count` empty Strings. -#}
    {{ return('tuple(' ~ ((["''"] * count) | join(', ')) ~ ')') }}
{% endmacro %}

{% macro rule_fields_extract(names, attributes) %}
    {#- SQL: the fields `names` of the JSON text `attributes`, padded to rule_field_count(). -#}
    {%- set padding = rule_field_count() - names | length -%}
    {%- set extract = "JSONExtract(" ~ attributes ~ ", '" ~ rule_fields_type(names) ~ "')" -%}
    {{ return('tupleConcat(' ~ extract ~ ', ' ~ rule_empty_fields(padding) ~ ')'
        if padding > 0 else extract) }}
{% endmacro %}

{% macro exact_number_attributes(attributes) -%}
    {#- The JSON text `attributes` with every number that has a fraction or an exponent
        (5.0, 1e21, 2.50E+20) turned into a string of the same characters: the JSON parser would
        read such a number as a Float64 and lose digits; as text it is converted exactly
        (planck_integer_text). Events without such a number are left as they are. -#}
    if(
        match({{ attributes }}, '[0-9][.eE][-+0-9]'),
        replaceRegexpAll({{ attributes }}, '([\\[:,]\\s*)(-?[0-9][0-9.eE+-]*)', '\\1"\\2"'),
        {{ attributes }}
    )
{%- endmacro %}
