-- Numbered lines in a TabSeparated file chDB reads, as stage_lines.sql's relation.
(select line_no, source, location, line, original, exact from file({path:String}, 'TabSeparated', '{{ line_columns }}'))
