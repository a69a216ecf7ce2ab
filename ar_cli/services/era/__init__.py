"""Posting 835 files: each file one transaction, each transaction posted by the poster;
claims created from an ERA, parked payments posted once their claim is named.

- `files`: `post era`: 835 files into the ledger, each file one transaction.
- `new_claims`: `post era --create-claims`: for practices that keep no charge file, a claim the
  ledger lacks is created from the 835 itself — claim number, patient, lines and charges, with
  the remitting payer as its coverage — and then posts like any other.
- `parked`: A claim payment an ERA exception parked, posted once a person names its claim.
- `poster`: Posting one 835 transaction (ST/SE) inside its file's database transaction.
- `results`: What posting an 835 did: one result per remittance transaction, rolled up per file.
"""
