"""Denials as rules: statuses, resolutions and what each does to the money; appeal windows.

- `appeals`: Appeal windows and deadlines: how long a payer gives for each appeal level, and the
  date an appeal must be filed by. Pure: the dates come in, no clock.
- `resolutions`: Working a denial: its statuses, the resolutions and what each does to the
  money, which steps are allowed from which status, and how a later payment by the same payer
  overturns it. Pure: no database, no clock.
"""
