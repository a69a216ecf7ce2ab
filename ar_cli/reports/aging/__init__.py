"""Aging: open balances in age buckets, today and as of a past date, and their trend.

- `layout`: What an aging asks and what it shows: the query, and the report built from the
  database's sums per (group, bucket) — pivoted, sorted, with columns, totals and notes.
- `report`: Aging: open balances in age buckets, grouped by payer, class, patient, provider or
  claim.
- `today`: Aging as of today straight from a SQLite ledger file's open-balance summary, without
  SQLAlchemy: the start-up of `ar-cli aging` drops from ~1.5 s to a few tenths.
- `trend`: How each aging bucket moved across stored snapshots, per week or per month.
"""
