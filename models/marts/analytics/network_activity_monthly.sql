{{ analytics_period_view('month') }}
