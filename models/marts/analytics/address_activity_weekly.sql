{{ config(materialized='view') }}
{{ analytics_address_period('week') }}
