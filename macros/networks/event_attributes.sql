{#
    Reading event attributes whatever the decoder's shape. substrate-interface gives a JSON
    object for named fields ({"from": .., "to": .., "amount": ..}); polkadot-js, Sidecar and
    tuple variants give a positional array ([from, to, amount]). A rule lists its fields by name
    in positional order; one JSONExtract into a Tuple of Strings reads them by name from an
    object and by position from an array, in a single parse of the event (the speed of the
    model rests on that). Strings come unquoted, numbers as their exact text (u128 included),
    nested values as JSON text, a missing field as ''. The Tuple names only the rule's own
    fields: every name JSONExtract looks up in an object costs a scan of its keys, so padding
    fields would be searched for in vain on every event; the padding is added after the parse.
#}

{% macro rule_field_count() %}
    {# Every rule's tuple has this many fields (padded) so that one column can hold any of them. #}
    {{ return(6) }}
{% endmacro %}

{% macro rule_fields_type(names) %}
    {# 'Tuple(from String, to String, amount String)' for JSONExtract: the rule's fields only. #}
    {% if names | length > rule_field_count() %}
        {% do exceptions.raise_compiler_error(
            'a rule reads at most ' ~ rule_field_count() ~ ' fields: ' ~ names | join(', ')
        ) %}
    {% endif %}
    {% set fields = [] %}
    {% for name in names %}
        {% do fields.append(name ~ ' String') %}
    {% endfor %}
    {{ return('Tuple(' ~ (fields | join(', ')) ~ ')') }}
{% endmacro %}

{% macro rule_empty_fields(count) %}
    {# SQL: a tuple of `count` empty Strings (a rule's padding, or an event no rule reads). #}
    {{ return('tuple(' ~ ((["''"] * count) | join(', ')) ~ ')') }}
{% endmacro %}

{% macro rule_fields_extract(names) %}
    {# SQL: the event's fields `names` (one JSONExtract), padded with '' to rule_field_count()
        Strings so that every rule's tuple fits one column. #}
    {% set padding = rule_field_count() - names | length %}
    {% set extract = "JSONExtract(attributes, '" ~ rule_fields_type(names) ~ "')" %}
    {{ return('tupleConcat(' ~ extract ~ ', ' ~ rule_empty_fields(padding) ~ ')'
        if padding > 0 else extract) }}
{% endmacro %}

{% macro rule_field_refs(names) %}
    {# {name: SQL of that field of the event's extracted tuple (column rule_fields)}. #}
    {% set refs = {} %}
    {% for name in names %}
        {% do refs.update({name: 'tupleElement(rule_fields, ' ~ loop.index ~ ')'}) %}
    {% endfor %}
    {{ return(refs) }}
{% endmacro %}

{% macro attributes_are_named() %}
    {# Column `is_named`: the attributes are a JSON object (named fields), i.e. the compact JSON
        text the loader stores starts with '{' (int_transfers_extracted computes it). #}
    {{ return('is_named') }}
{% endmacro %}
