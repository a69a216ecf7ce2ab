"""Working denials: the rows a posting opens, overturns by a later payment, appeals and
resolutions.

- `overturns`: Denials overturned by their payer's payment: one rule for every way a payer's
  payment posts — an ERA claim payment, a paper EOB typed by hand (`post payment --payer`), a
  row of a deposit batch.
- `rows`: Denial rows as a posting opens them, one shape for every way a payer's answer is
  posted: an ERA claim payment (remittance_id and claim_payment_id set) or a paper EOB typed by
  hand (`post payment --payer`, a row of `post batch`: both None, there is no 835). Status open,
  level 0, the first appeal deadline from the payer's windows counted from the payment's date
  (domain/denials/appeals.py).
- `work`: Working denials: appeal them and resolve them, on all the open denials of a claim's
  current coverage (or one line). One use case = one audited transaction.
"""
