{#
  The amount bins every analytics mart reports, smallest first. Mart columns are named after
  them (amount_<bin>_count, amount_<bin>_volume, sent_<bin>_count). Each asset's lower bound per
  bin, in token units after decimals, comes from seeds/analytics_amount_bins.csv, whose
  bin_index/bin_name must match this list (tests/analytics_amount_bins_match_names.sql).
#}
{% macro analytics_amount_bin_names() %}
    {{ return(['dust', 'small', 'medium', 'large', 'very_large', 'huge']) }}
{% endmacro %}
