{{ analytics_period_view('4h') }}
