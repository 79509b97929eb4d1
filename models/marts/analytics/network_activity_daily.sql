{{ analytics_period_view('day') }}
