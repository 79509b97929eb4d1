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

{#
  Median without interpolation error: the mean of the two middle values (exact Decimal), the
  same as (quantileExactLow(0.5)(x) + quantileExactHigh(0.5)(x)) / 2 from one copy of the values
  and one selection instead of two of each. quantilesExact takes the value at position
  floor(level * n) of the sorted values: level 0.5 gives n / 2 rounded down (the high middle),
  level 0.5 - 2^-40 gives n / 2 - 1 for an even n and (n - 1) / 2 for an odd one (the low middle),
  for any n below 2^40 values (below that size the Float64 product's rounding error is far smaller
  than n * 2^-40).
#}
{% macro analytics_median(amount) %}
    arraySum(quantilesExact(0.4999999999990905052982270717620849609375, 0.5)({{ amount }})) / 2
{% endmacro %}
