{#- How a rule is declared. The rules of each network are in the files beside this one; the
    SQL that applies them all in one pass is in macros/transfers/. -#}

{% macro transfer_rule(
    module_id, event_id, fields, transfer_type, from_address, to_address, amount,
    from_is_system=false, to_is_system=false, stake=none, layout_ok='true'
) %}
    {#- One rule: the event it reads, the names of the fields it reads (in their positional
        order) and the SQL of each output column over them (rule_field_refs). amount is the
        amount's text, checked and converted later, never through Float64; from_is_system /
        to_is_system: that side is a system counterparty, not an account. stake: the subnet
        fields of a stake event (stake_fields). layout_ok: SQL, false for a layout the rule
        does not know (such an event is rejected as unknown_layout, never guessed at). -#}
    {%- set stake = stake or stake_fields() -%}
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
        'netuid': stake.netuid,
        'destination_netuid': stake.destination_netuid,
        'alpha_amount': stake.alpha_amount,
        'alpha_decimals': stake.alpha_decimals,
        'stake_fee': stake.stake_fee,
        'stake_legs': stake.legs,
        'is_stake_movement': 'true' if stake.is_movement else 'false',
        'layout_ok': layout_ok,
    }) }}
{% endmacro %}

{% macro stake_fields(
    netuid="''", destination_netuid="''", alpha_amount="''", alpha_decimals=0, stake_fee="''",
    legs='[]', is_movement=false
) %}
    {#- The subnet side of a stake event, each the SQL of a field's text ('' when the layout
        has none: NULL in balance_transfers): netuid (for a movement the origin subnet),
        destination_netuid (movements only), alpha_amount with its decimals, stake_fee (in the
        network's asset). legs: the stake legs the event is, or (is_movement) claims as its
        own, as SQL tuples (side 'added'/'removed', coldkey, hotkey, netuid): a StakeAdded or
        StakeRemoved that a movement of the same extrinsic claims is part of that movement,
        not a flow of its own (macros/transfers/stake_legs.sql). -#}
    {{ return({
        'netuid': netuid,
        'destination_netuid': destination_netuid,
        'alpha_amount': alpha_amount,
        'alpha_decimals': alpha_decimals | string,
        'stake_fee': stake_fee,
        'legs': legs,
        'is_movement': is_movement,
    }) }}
{% endmacro %}

{% macro rule_field_refs(names) %}
    {#- {name: SQL of that field of the event}: a named field by name, a positional one by its
        place in `names`, whatever the decoder's shape. -#}
    {%- set refs = {} -%}
    {%- for name in names -%}
        {%- do refs.update({name: 'tupleElement(rule_fields, ' ~ loop.index ~ ')'}) -%}
    {%- endfor -%}
    {{ return(refs) }}
{% endmacro %}

{% macro attributes_are_named() %}
    {#- SQL: the event's attributes are a JSON object (named fields), not an array. -#}
    {{ return('is_named') }}
{% endmacro %}

{% macro attributes_field_count() %}
    {#- SQL: how many fields the event has (an array's elements, an object's keys). Only the
        rules that check their layout compute it. -#}
    {{ return('JSONLength(attributes_text)') }}
{% endmacro %}

{% macro layout_has(counts) %}
    {#- SQL of a layout check: the event has as many fields as one of `counts` (a dict: field
        count -> the SQL field texts that layout must hold), and those are not empty. -#}
    {%- set branches = [] -%}
    {%- for count, fields in counts.items() -%}
        {%- set checks = [] -%}
        {%- for field in fields -%}
            {%- do checks.append(field ~ " != ''") -%}
        {%- endfor -%}
        {%- do branches.append(attributes_field_count() ~ ' = ' ~ count ~ ', '
            ~ (checks | join(' and ') if checks else 'true')) -%}
    {%- endfor -%}
    {{ return('multiIf(' ~ branches | join(', ') ~ ', false)') }}
{% endmacro %}

{% macro system_account_id(prefix, id) %}
    {#- "crowdloan-2000" from a numeric id; '' (rejected as missing_address) if it is not one. -#}
    {{ return("if(match(" ~ id ~ ", '^[0-9]+$'), concat('" ~ prefix ~ "-', " ~ id ~ "), '')") }}
{% endmacro %}

{% macro account_address_is_valid(address) %}
    {#- SQL: `address` has the form of an account: SS58 (base58 of a 1-byte network prefix below
        64, or a 2-byte one, then a 32-byte account id and a 2-byte checksum) or a 0x-hex account
        id of 20 or 32 bytes; account_address_checksum_fails checks the checksum. -#}
    {%- set decoded = 'tryBase58Decode(' ~ address ~ ')' -%}
    {%- set first_byte = 'reinterpretAsUInt8(substring(' ~ decoded ~ ', 1, 1))' -%}
    {{ return("(match(" ~ address ~ ", '^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$') or multiIf("
        ~ "length(" ~ decoded ~ ") = 35, " ~ first_byte ~ " < 64, "
        ~ "length(" ~ decoded ~ ") = 36, " ~ first_byte ~ " between 64 and 127, false))") }}
{% endmacro %}

{% macro account_address_checksum_fails(address) %}
    {#- SQL: `address` is SS58-shaped but its checksum is wrong. The loader checks every address
        it lands (the engine has no BLAKE2b) and keeps the failures (loader/addresses.py). -#}
    {%- set failures = ref('stg_chain__address_checksum_failures') -%}
    {{ return(address ~ ' in (select address from ' ~ failures ~ ')') }}
{% endmacro %}
