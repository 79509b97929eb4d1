-- On a server, numbered lines are inserted as data into this table, then staged from it.
create table {{ lines }} ({{ line_columns }}) engine = Memory
