"""The collection work queue: what to touch next and why, scored in the database where it can
be, with the top N found without scoring every claim.

- `build`: The collection work queue: what to touch next and why, read in one transaction.
- `from_file`: The work queue straight from a SQLite ledger file, without SQLAlchemy: most of
  `ar-cli queue`'s start-up was importing it and the table models.
- `items`: Queue items, and the kinds scored here rather than in the database: remittance
  exceptions, unapplied money no open exception holds, and credit balances (few, and scored with
  the same pure functions as the claims).
- `report`: The work queue as a report: one row per item, best first, with its score and why.

Its SQL is in store/queries/: queue.py (items, details), queue_scoring.py (the claim rows
scored in the database, the same arithmetic as domain/queue/score.py) and queue_reach.py
(finding the top N without scoring every claim row).
"""
