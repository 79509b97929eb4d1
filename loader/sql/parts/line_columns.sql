-- Lines numbered in Python, as TabSeparated rows: the server path and the exact path.
line_no UInt64, source String, location String, line String, original String, exact UInt8
