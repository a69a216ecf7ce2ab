"""Claims intake: a charge file into the ledger, and accepting a held correction.

- `charge_file`: `claims import`: a practice-management charge export into the ledger.
- `corrections`: Accepting a held charge-file conflict: the new values become a correction.
"""
