"""Claims as the practice billed them: records, a charge file's columns and reading, the
derived status.

- `charge_columns`: A charge export's columns and cells: the header it must have, which columns
  are the claim's and which the line's, the longest value the ledger stores per column, and the
  parsers of one cell (amounts, procedure codes, modifiers, dates, units, patient names).
- `charge_file`: Reading a practice-management charge export (one row per claim line) into
  claims, row by row with memory flat whatever its size.
- `records`: Claims as the practice billed them: plain records, no storage.
- `status`: A claim's status, derived from its balances and denials (never set by hand).
"""
