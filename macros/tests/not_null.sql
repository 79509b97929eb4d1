{% test not_null(model, column_name) %}
{#-
    Overrides dbt's built-in `not_null` with the same arguments and meaning: fails with the rows
    whose `column_name` is NULL. Written here because this project uses no dbt packages and
    keeps every generic test it relies on in macros/tests/.
    On ClickHouse only Nullable(...) columns can hold NULL; an empty String is not NULL (test it
    with expression_is_true: "!= ''").
-#}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{% endtest %}
