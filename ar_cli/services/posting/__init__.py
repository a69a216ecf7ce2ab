"""Posting by hand: one payment, a deposit batch, unapplied money applied to a claim, and the
check on moving money to the patient.

- `batch`: `post batch`: a deposit of many payments from a CSV, all or nothing.
- `manual`: `post payment`: one payment by hand (a paper EOB or a patient payment), one
  transaction, audited. The shared `ManualPoster` also posts each row of a deposit batch
  (batch_posting.py).
- `patient_billing`: The one check every way of moving money to the patient by hand goes through
  (`denials resolve --to-patient`, a paper EOB's adjustment the treatment table moves to the
  patient), and recording a patient's written agreement to pay (`--waiver REF`). The rule itself
  is domain/posting/patient_billing.py; this gathers its facts from the ledger inside the
  caller's transaction and raises InputError (one line) when it refuses.
- `unapplied`: Unapplied money: applying what a payer paid (or took back) to one of its claims.
"""
