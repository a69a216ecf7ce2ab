"""The ledger's questions in plain SQL, one module per feature, all through store/sql.py.

Each function takes a Session or a `Sql` (`sql_of` makes one of either) and returns plain
values, tuples or domain values; none commits. Reports and services ask here rather than
speak SQL themselves (tests/test_layers.py keeps SQLAlchemy and sqlite3 inside store/).
"""
