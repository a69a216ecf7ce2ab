"""Denials for people: the work list and summaries, the queries behind them, risk flags.

- `flags`: Risk flags: what will cost money soon unless someone acts (issue 5 §5). Read-only.
- `lists`: Denial reports as data: the work list, the summary by category with next actions, one
  claim's denials, trends (count, money and denial rate) and risk flags.
- `queries`: Reading denials for people: the list (filtered, sorted by money at stake), one
  claim's denials, and the facts trends and flags are computed from. Read-only.
"""
