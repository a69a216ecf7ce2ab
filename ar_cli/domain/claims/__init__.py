"""Claims as the practice billed them: records, reading a charge file, the derived status.

- `charge_file`: Reading a practice-management charge export (one row per claim line) into
  claims.
- `records`: Claims as the practice billed them: plain records, no storage.
- `status`: A claim's status, derived from its balances and denials (never set by hand).
"""
