{% macro transfer_rule(
    module_id, event_id, fields, transfer_type, from_address, to_address, amount,
    from_is_system=false, to_is_system=false
) %}
    {#
        One extraction rule: which event it reads, the names of the fields it reads (in their
        positional order, see event_attributes.sql) and the SQL expression of each output
        column over them (rule_field_refs gives `tupleElement(rule_fields, n)` per name).
        transfer_type, from_address, to_address: String expressions; amount: the amount's
        text (validated and converted later, never through Float64); from_is_system /
        to_is_system: true when that side is a system counterparty, not an account.
    #}
    {{ return({
        'module_id': module_id,
        'event_id': event_id,
        'fields': fields,
        'transfer_type': transfer_type,
        'from_address': from_address,
        'to_address': to_address,
        'amount': amount,
        'from_is_system': 'true' if from_is_system else 'false',
        'to_is_system': 'true' if to_is_system else 'false',
    }) }}
{% endmacro %}

{% macro system_account_id(prefix, id) %}
    {# "crowdloan-2000" from a numeric id; '' (rejected as missing_address) if it is not one. #}
    {{ return("if(match(" ~ id ~ ", '^[0-9]+$'), concat('" ~ prefix ~ "-', " ~ id ~ "), '')") }}
{% endmacro %}
