{{ analytics_period_view('week') }}
