{% macro analytics_amount_bin_names() %}
    {#- The amount bins every analytics mart reports, smallest first; mart columns are named
        after them (amount_<bin>_count, sent_<bin>_count). -#}
    {{ return(['dust', 'small', 'medium', 'large', 'very_large', 'huge']) }}
{% endmacro %}

{% macro analytics_amount_bin_rows() -%}
    {#- var('analytics_amount_bins') as rows (asset, bin_floors): each asset's lower bound per
        bin in token units, checked to start at 0 and grow, one per bin, with a `_default`. -#}
    {%- set bins = var('analytics_amount_bins') -%}
    {%- set count = analytics_amount_bin_names() | length -%}
    {%- if '_default' not in bins -%}
        {{ exceptions.raise_compiler_error('var analytics_amount_bins: _default is missing') }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for asset, floors in bins.items() | sort -%}
        {%- set owner = 'analytics_amount_bins.' ~ asset -%}
        {%- set numbers = [] -%}
        {%- for floor in floors -%}
            {%- do numbers.append(setting_number({'bound': floor}, 'bound', owner)) -%}
        {%- endfor -%}
        {%- set increasing = namespace(ok=numbers | length == count and numbers[0] | float == 0) -%}
        {%- for lower in numbers[:-1] if increasing.ok -%}
            {%- set increasing.ok = lower | float < numbers[loop.index] | float -%}
        {%- endfor -%}
        {%- if not increasing.ok -%}
            {{ exceptions.raise_compiler_error('var ' ~ owner ~ ': ' ~ count
                ~ ' increasing bounds from 0 (' ~ analytics_amount_bin_names() | join(', ')
                ~ ') expected, got ' ~ floors) }}
        {%- endif -%}
        {%- set literals = [] -%}
        {%- for number in numbers -%}
            {%- do literals.append("toDecimal128('" ~ number ~ "', 18)") -%}
        {%- endfor -%}
        {%- do rows.append([quoted_literal(asset), '[' ~ literals | join(', ') ~ ']']) -%}
    {%- endfor -%}
    {{ values_rows('asset String, bin_floors Array(Decimal(38, 18))', rows) }}
{%- endmacro %}

{% macro analytics_address_type_threshold_rows() -%}
    {#- var('analytics_address_type_thresholds') as rows, one per asset (with `_default`). -#}
    {%- set keys = ['exchange_min_counterparties', 'exchange_min_transfers', 'whale_min_volume',
        'hub_min_counterparties', 'active_min_transfers'] -%}
    {%- set thresholds = var('analytics_address_type_thresholds') -%}
    {%- if '_default' not in thresholds -%}
        {{ exceptions.raise_compiler_error(
            'var analytics_address_type_thresholds: _default is missing') }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for asset, settings in thresholds.items() | sort -%}
        {%- set row = [quoted_literal(asset)] -%}
        {%- for key in keys -%}
            {%- set number = setting_number(
                settings, key, 'analytics_address_type_thresholds.' ~ asset) -%}
            {%- do row.append("toDecimal128('" ~ number ~ "', 18)"
                if key == 'whale_min_volume' else number) -%}
        {%- endfor -%}
        {%- do rows.append(row) -%}
    {%- endfor -%}
    {{ values_rows('asset String, exchange_min_counterparties UInt64,'
        ~ ' exchange_min_transfers UInt64, whale_min_volume Decimal(38, 18),'
        ~ ' hub_min_counterparties UInt64, active_min_transfers UInt64', rows) }}
{%- endmacro %}
