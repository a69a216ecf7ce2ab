"""Queries by feature: functions that take a Session (or a Sql) and return plain values,
tuples or domain values, their SQL spoken through store/sql.py.

- `era`: What ERA posting reads and writes beyond the repositories: savepoints, the
  remittance's outcome, claim statuses a batch at a time, a reversal's original entries.
"""
