"""Posting, the pure part: what a remittance or a hand payment does to the ledger, decided
without a database (matching, checks, plans, denial caps, provider adjustments, what may be
billed to the patient).

- `amounts`: How each amount of a claim payment is planned: its payments and adjustments
  turned into ledger entries, asked denials and follow-ups, with the sums by treatment (the
  plan while it is built; `plan` decides whether it posts and finishes it).
- `checks`: The checks a claim payment passes before it posts, and the small rules posting
  shares with them: claim status codes (CLP02), the payer's place among the claim's coverages,
  who receives a patient-responsibility amount, the patient check, claim and line balancing, and
  a reversal against its original. Each check returns PostingProblem values, with no PHI in
  them.
- `denial_caps`: Capping the denials a claim payment opens at what the denying coverage still
  holds.
- `era`: ERA posting, the pure part: what one remittance does to the ledger, decided without a
  database, a file or a clock. The service loads the claim and its balances, calls these
  functions, and writes the result in the file's one transaction.
- `manual_payment`: A payment posted by hand (a paper EOB, a patient at the desk, a row of a
  deposit batch): its adjustments read from text, and the ledger entries it makes, planned
  through the same treatment table the ERA posting reads (DESIGN.md, "The money model").
- `match`: Matching a payment's service lines to the claim's lines (DESIGN.md, "Matching a
  remittance to the ledger").
- `patient_billing`: What may be billed to a patient (DESIGN.md, "What may be billed to a
  patient").
- `plan`: The posting plan for one claim payment: every entry, denial and follow-up it makes, or
  the reason it parks (DESIGN.md, "The money model"): checks, matching, the amounts planned,
  the denials capped.
- `provider`: Provider-level adjustments (PLB) as unapplied money, and the remittance's balance.
- `rows`: The rows ERA posting writes for a claim payment's plan, built without a database:
  ledger entries and the claim payment as tuples in column order, follow-ups, the denials
  still worked that a plan may repeat or overturn, a reversal's entries linked to the ones
  they negate, and a parked payment's payload.
- `result`: The result of planning one claim payment: ClaimPlan, its totals, and what the
  service does with it (Disposition). Signs and responsibilities as in posting_values.
- `values`: The values ERA posting plans are made of: the entries a claim payment will post, the
  denials and follow-ups it opens, how its lines matched, and the problems found. Plain frozen
  records; the plan that holds them is in `result`, and the functions that build them in
  `match`, `checks`, `plan` and `amounts`.
"""
