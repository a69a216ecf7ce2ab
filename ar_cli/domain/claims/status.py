"""A claim's status, derived from its balances and denials (never set by hand)."""

from __future__ import annotations

from collections.abc import Mapping

from ar_cli.domain.claims.records import PATIENT


def derive_status(
    *, balances: Mapping[int, int], open_denials: int, appealed: int, remitted: bool, paid_any: bool
) -> str:
    """billed · partially_paid · paid · denied · appealed · credit · closed.

    credit: someone is owed money back (a negative balance), which needs a person first;
    appealed / denied: an open appeal or denial; billed: no remittance yet; closed:
    nobody owes anything; paid: no payer owes anything but the patient still does;
    partially_paid: a payer paid and a payer still owes.
    """
    if any(balance < 0 for balance in balances.values()):
        return "credit"
    if appealed:
        return "appealed"
    if open_denials:
        return "denied"
    insurance = sum(b for resp, b in balances.items() if resp != PATIENT)
    patient = balances.get(PATIENT, 0)
    if insurance == 0 and patient == 0:
        return "closed"
    if not remitted:
        return "billed"
    if insurance == 0:
        return "paid"
    return "partially_paid" if paid_any else "billed"
