{% macro transfer_rule(
    module_id, event_id, transfer_type, from_address, to_address, amount,
    from_is_system=false, to_is_system=false
) %}
    {#-
        One extraction rule: which event it reads and the SQL expression of each output column
        (evaluated over one event row with `attributes` and `is_named` in scope).
        transfer_type, from_address, to_address: String expressions; amount: the amount's raw
        JSON text (validated and converted later, never through Float64); from_is_system /
        to_is_system: true when that side is a system counterparty, not an account.
    -#}
    {{ return({
        'module_id': module_id,
        'event_id': event_id,
        'transfer_type': transfer_type,
        'from_address': from_address,
        'to_address': to_address,
        'amount': amount,
        'from_is_system': 'true' if from_is_system else 'false',
        'to_is_system': 'true' if to_is_system else 'false',
    }) }}
{% endmacro %}
