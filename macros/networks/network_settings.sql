{% macro network_settings_rows() -%}
    {#- var('networks') as rows: network, rules, asset, decimals, redenomination_height,
        decimals_before_redenomination, partition_blocks. -#}
    {%- set rule_sets = network_transfer_rules().keys() | list -%}
    {%- set rows = [] -%}
    {%- for network, settings in var('networks').items() | sort -%}
        {%- set owner = 'networks.' ~ network -%}
        {%- if settings.get('rules') not in rule_sets -%}
            {{ exceptions.raise_compiler_error('var ' ~ owner ~ ': rules must be one of '
                ~ rule_sets | join(', ') ~ ', got ' ~ settings.get('rules')) }}
        {%- endif -%}
        {%- set decimals = setting_number(settings, 'decimals', owner) -%}
        {%- set decimals_before = setting_number(
            settings, 'decimals_before_redenomination', owner, decimals) -%}
        {%- if decimals | int > 18 or decimals_before | int > 18 -%}
            {{ exceptions.raise_compiler_error('var ' ~ owner
                ~ ': decimals above 18 do not fit Decimal128(18) amounts') }}
        {%- endif -%}
        {%- do rows.append([
            quoted_literal(network), quoted_literal(settings.rules),
            quoted_literal(settings.get('asset', '')), decimals,
            setting_number(settings, 'redenomination_height', owner, 0), decimals_before,
            setting_number(settings, 'partition_blocks', owner)]) -%}
    {%- endfor -%}
    {{ values_rows(
        'network String, rules String, asset String, decimals UInt8,'
        ~ ' redenomination_height UInt32, decimals_before_redenomination UInt8,'
        ~ ' partition_blocks UInt32', rows) }}
{%- endmacro %}
