{% test unique_combination_of_columns(model, combination_of_columns) %}
{#-
    Fails with one row per combination of `combination_of_columns` (a list of column names or
    expressions) that occurs more than once in the model, with how often it occurs.
    Use it for a table's key when no single column is unique, e.g.
        data_tests:
          - unique_combination_of_columns:
              combination_of_columns: [network, block_height, event_index]
    ClickHouse tables have no unique constraint and ReplacingMergeTree only deduplicates at
    merge time, so this reads the table as a reader without FINAL would.
-#}
select
    {{ combination_of_columns | join(', ') }},
    count() as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count() > 1
{% endtest %}
