{#
  Whether address analytics keep transfers with a system counterparty ('system', 'treasury',
  'staking', 'emission', 'crowdloan-N', 'auction-N'): dbt var analytics_include_system_counterparties,
  false by default (address analytics then describe real accounts trading with each other).
  Changing it needs a --full-refresh of the address models.
#}
{% macro analytics_include_system() %}
    {%- set value = var("analytics_include_system_counterparties", false) -%}
    {{ return(value | string | lower in ["true", "1", "yes"]) }}
{% endmacro %}
