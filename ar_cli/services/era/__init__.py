"""Posting 835 files: each file one transaction, each remittance transaction (ST/SE)
posted a batch of claim payments at a time; claims created from an ERA, parked payments
posted once their claim is named. Its SQL is spoken in store/ (store/queries/era.py and
the repositories); the rows it writes are built by domain/posting/rows.py.

- `files`: `post era`: 835 files into the ledger, each file one transaction.
- `poster`: Posting one 835 transaction: `RemittancePosting.start`, `claim`, `end`; a
  parked claim payment posted onto the claim a person names (`post_parked`).
- `remittance`: What posting shares: the file's run (PostingRun) and, per transaction, the
  remittance (Remittance), an immutable value fixed when the transaction starts, and what it
  holds for a person (Held: exceptions, parked payments, unapplied money).
- `batch`: A batch of claim payments: what was read for it (LoadedBatch) and the rows it
  writes (BatchRows), written together, one executemany per table (`write_batch`).
- `denials`: Denials as a batch posts: opened, repeated, overturned by a later payment,
  superseded by a reversal; the reversal paired with its original.
- `ending`: The end of a transaction: a repeat skipped or held as a conflict, BPR02 tied
  out (rejected whole, or forced), PLB amounts as unapplied money.
- `new_claims`: `post era --create-claims`: for practices that keep no charge file, a claim the
  ledger lacks is created from the 835 itself — claim number, patient, lines and charges, with
  the remitting payer as its coverage — and then posts like any other.
- `parked`: A claim payment an ERA exception parked, posted once a person names its claim.
- `results`: What posting an 835 did: one result per remittance transaction, rolled up per file.
"""
