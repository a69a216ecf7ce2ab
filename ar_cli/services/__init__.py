"""Use cases: each public function owns one transaction (`with ledger.write() as
session:`, store/database.py) and speaks no SQL: it asks store/ (the repositories and
store/queries/) and applies domain/ rules. Reads belong in reports/, which sit above.
tests/services/test_use_cases.py holds every module to that, naming the few helper
modules (steps run inside another use case's transaction) with their reasons.

- `claims`, `denials`, `era`, `posting`: the feature packages (see their faces).
- `aging_snapshot`, `codes`, `exceptions`, `exports`, `nightly_runs`, `payers`, `periods`,
  `schema_admin`, `settings`, `work_notes`: one feature's use cases each.
- `context`, `collection_pauses`, `source_files`: what use cases are handed or wrap
  themselves in (the actor, a GC setting, an input file's facts).
"""
