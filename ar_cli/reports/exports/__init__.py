"""Auditor exports: what each holds, writing the file and its manifest, the close pack.

- `close_pack`: The close pack: what a month looked like when it was closed, for the auditor.
- `files`: Writing an auditor export: the file, its manifest beside it, never half of either.
- `rows`: What each auditor export holds: its columns and its rows, streamed from the ledger.
- `run`: `ar-cli export KIND`: read the rows in one read transaction, write the file and its
  manifest under temporary names, record the export in the audit log, then rename both into
  place. A failure anywhere leaves neither file behind and nothing recorded.
"""
