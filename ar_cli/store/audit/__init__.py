"""The audit chain in the database: appending events, the head check, money rows as hashed.

- `chain`: Appending to the audit chain, and the bulk writer every change goes through.
- `head`: The chain's head, checked before every write: does the chain verify where a writer
  would extend it? (Its last event exists, its manifest matches its rows digest, it hashes to
  what the head says, and no later event id was issued.)
- `rows`: Money rows as the audit chain hashes them: which tables, which columns, which bytes.
"""
