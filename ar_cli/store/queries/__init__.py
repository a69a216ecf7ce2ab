"""Queries by feature: functions that take a Session (or a Sql) and return plain values,
tuples or domain values. Services and reports ask here; nothing above store/ speaks SQL."""
