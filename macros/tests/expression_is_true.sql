{% test expression_is_true(model, expression, column_name=none) %}
{#-
    Fails with the rows for which `expression` (any ClickHouse boolean expression over the
    model's columns) is not true; NULL counts as not true.
    At model level:  - expression_is_true: {expression: "fee <= amount or from_is_system"}
    At column level the column is put in front of the expression:
        columns: [{name: decimals, data_tests: [{expression_is_true: {expression: "<= 18"}}]}]
-#}
select *
from {{ model }}
where not coalesce(({{ column_name ~ ' ' if column_name is not none else '' }}{{ expression }}), false)
{% endtest %}
