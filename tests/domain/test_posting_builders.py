"""Hand-built claims and claim payments for the posting tests (imported by the other
test_posting* modules as `domain.test_posting_builders`; it holds no tests itself).

Amounts are cents. Defaults make a balanced payment: a claim payment's charge is Σ line
charges, its paid Σ line paid − Σ claim CAS, its patient responsibility Σ PR amounts.
"""

from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

from ar_cli.data import read_data_text
from ar_cli.domain.claims.records import Claim, ClaimLine, Coverage
from ar_cli.domain.codes.adjustments import load_builtin
from ar_cli.domain.codes.treatment_table import TreatmentTable
from ar_cli.domain.posting.era import plan_claim_payment
from ar_cli.domain.remittance.advice import Adjustment, AdjustmentGroup, ClaimPayment, Person, ServiceLine

DOS = date(2026, 5, 1)
MEDICARE, MEDIGAP, TERTIARY, OTHER_PAYER = 10, 20, 30, 99
_segments = itertools.count(100)


@lru_cache(maxsize=1)
def table() -> TreatmentTable:
    """The shipped treatment table, parsed once."""
    return load_builtin(read_data_text).table


def coverage(rank: int, payer_id: int, member_id: str = "MBR1") -> Coverage:
    return Coverage(
        rank=rank, payer_id=payer_id, payer_code=f"P{payer_id}", payer_name=f"Payer {payer_id}", member_id=member_id
    )


def claim_line(
    line_id: int,
    number: int,
    code: str = "99213",
    charge: int = 10000,
    *,
    modifiers: tuple[str, ...] = (),
    control: str = "",
    on: date = DOS,
    until: date | None = None,
) -> ClaimLine:
    return ClaimLine(
        id=line_id,
        line_number=number,
        line_control_number=control,
        procedure_code=code,
        modifiers=modifiers,
        units="1",
        charge=charge,
        service_from=on,
        service_to=until or on,
    )


def claim(
    *lines: ClaimLine, coverages: tuple[Coverage, ...] = (), number: str = "C1", last: str = "Doe", first: str = "Jane"
) -> Claim:
    return Claim(
        id=1,
        claim_number=number,
        patient_id=1,
        patient_account="A1",
        patient_last=last,
        patient_first=first,
        billed_date=DOS,
        first_service_date=DOS,
        billing_npi="",
        rendering_npi="",
        place_of_service="11",
        frequency_code="1",
        original_claim_ref="",
        status="billed",
        coverages=coverages or (coverage(1, MEDICARE),),
        lines=lines,
    )


def adj(group: str, reason: str, amount: int) -> Adjustment:
    return Adjustment(
        group=AdjustmentGroup("CO" if group == "CR" else group),
        group_as_sent=group,
        reason_code=reason,
        amount=amount,
        quantity=None,
        segment=next(_segments),
    )


def service(
    code: str,
    charge: int,
    paid: int,
    *adjustments: Adjustment,
    modifiers: tuple[str, ...] = (),
    original: str = "",
    original_modifiers: tuple[str, ...] = (),
    on: date | None = DOS,
    until: date | None = None,
    control: str = "",
    remarks: tuple[str, ...] = (),
) -> ServiceLine:
    return ServiceLine(
        procedure_qualifier="HC",
        procedure_code=code,
        modifiers=modifiers,
        original_procedure_qualifier="HC" if original else "",
        original_procedure_code=original,
        original_modifiers=original_modifiers,
        charge=charge,
        paid=paid,
        revenue_code="",
        units_paid=None,
        original_units=None,
        service_date_from=on,
        service_date_to=until or on,
        line_control_number=control,
        references=(),
        remark_codes=remarks,
        amounts=(),
        adjustments=tuple(adjustments),
        segment=next(_segments),
    )


def patient(last: str = "DOE", first: str = "JANE", member_id: str = "MBR1") -> Person:
    return Person(last_name=last, first_name=first, middle_name="", id_qualifier="MI", identifier=member_id)


def payment(
    status: str,
    *lines: ServiceLine,
    adjustments: tuple[Adjustment, ...] = (),
    charge: int | None = None,
    paid: int | None = None,
    patient_share: int | None = None,
    person: Person | None = None,
    number: str = "C1",
    remarks: tuple[str, ...] = (),
    payer_claim_number: str = "ICN1",
) -> ClaimPayment:
    every = [*adjustments, *(a for line in lines for a in line.adjustments)]
    return ClaimPayment(
        claim_number=number,
        status_code=status,
        charge=sum(line.charge for line in lines) if charge is None else charge,
        paid=sum(line.paid for line in lines) - sum(a.amount for a in adjustments) if paid is None else paid,
        patient_responsibility=(
            sum(a.amount for a in every if a.group is AdjustmentGroup.PATIENT_RESPONSIBILITY)
            if patient_share is None
            else patient_share
        ),
        filing_indicator="MB",
        payer_claim_number=payer_claim_number,
        facility_code="11",
        frequency_code="1",
        patient=person or patient(),
        insured=None,
        corrected_patient=None,
        original_reference="",
        references=(),
        statement_from=None,
        statement_to=None,
        received_date=None,
        remark_codes=remarks,
        amounts=(),
        adjustments=tuple(adjustments),
        lines=tuple(lines),
        segment=next(_segments),
    )


def negated(original: ClaimPayment) -> ClaimPayment:
    """The payer's reversal of `original`: status 22, every amount negated."""

    def flip(a: Adjustment) -> Adjustment:
        return Adjustment(
            group=a.group,
            group_as_sent=a.group_as_sent,
            reason_code=a.reason_code,
            amount=-a.amount,
            quantity=a.quantity,
            segment=a.segment,
        )

    lines = tuple(
        ServiceLine(
            **{
                **{f: getattr(s, f) for f in ServiceLine.__slots__},
                "charge": -s.charge,
                "paid": -s.paid,
                "adjustments": tuple(flip(a) for a in s.adjustments),
            }
        )
        for s in original.lines
    )
    fields = {f: getattr(original, f) for f in ClaimPayment.__slots__}
    return ClaimPayment(
        **{
            **fields,
            "status_code": "22",
            "charge": -original.charge,
            "paid": -original.paid,
            "patient_responsibility": -original.patient_responsibility,
            "lines": lines,
            "adjustments": tuple(flip(a) for a in original.adjustments),
        }
    )


def plan(
    the_claim: Claim,
    the_payment: ClaimPayment,
    *,
    payer_id: int = MEDICARE,
    balances: dict[int, int] | None = None,
    **options,
):
    """plan_claim_payment with the shipped table; by default the first coverage holds
    the whole charge of the claim (a fresh claim)."""
    if balances is None:
        balances = {the_claim.coverages[0].rank: sum(line.charge for line in the_claim.lines)}
    return plan_claim_payment(the_claim, the_payment, payer_id=payer_id, balances=balances, table=table(), **options)


def by_responsibility(the_plan) -> dict[int, int]:
    """Σ entry amounts per responsibility, zeros left out."""
    sums: dict[int, int] = {}
    for entry in the_plan.entries:
        sums[entry.responsibility] = sums.get(entry.responsibility, 0) + entry.amount
    return {who: amount for who, amount in sums.items() if amount}


def kinds(the_plan) -> list[tuple]:
    """(line, responsibility, kind, amount, group-reason) per entry, for exact asserts."""
    return [
        (e.claim_line_id, e.responsibility, str(e.kind), e.amount, f"{e.group}-{e.reason_code}" if e.group else "")
        for e in the_plan.entries
    ]
