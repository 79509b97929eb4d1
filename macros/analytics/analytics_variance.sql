{#
  Population variance as Float64, computed from exact Decimal sums so that it does not depend on
  the order rows are summed in (an incremental build and a full refresh give the same bits).
  count_expr: number of values; sum_expr: their sum (Decimal); square_sum_expr: the sum of their
  squares as Decimal256(36), see analytics_square_sum. NULL when there are no values. The result
  goes to scale 18 before Float64: 10^18 is exact in Float64, 10^36 is not.
#}
{% macro analytics_variance(count_expr, sum_expr, square_sum_expr) %}
    toFloat64(
        toDecimal256(
            (
                {{ square_sum_expr }}
                - toDecimal256({{ sum_expr }}, 18) * toDecimal256({{ sum_expr }}, 18)
                / nullIf({{ count_expr }}, 0)
            )
            / nullIf({{ count_expr }}, 0),
            18
        )
    )
{% endmacro %}

{# Exact sum of squares of a Decimal(38, 18) amount, as Decimal256(36); optional -If condition. #}
{% macro analytics_square_sum(amount, condition=none) %}
    {%- if condition is none -%}
        sum(toDecimal256({{ amount }}, 18) * toDecimal256({{ amount }}, 18))
    {%- else -%}
        sumIf(toDecimal256({{ amount }}, 18) * toDecimal256({{ amount }}, 18), {{ condition }})
    {%- endif -%}
{% endmacro %}

{# Median without interpolation error: the mean of the two middle values (exact Decimal). #}
{% macro analytics_median(amount) %}
    (quantileExactLow(0.5)({{ amount }}) + quantileExactHigh(0.5)({{ amount }})) / 2
{% endmacro %}
