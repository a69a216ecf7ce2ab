"""Posting plans for the real 835 samples in ../shared/x12 (read in place; skipped when
the folder is absent). Each claim payment is planned onto a claim made from the payment
itself (as `--create-claims` would), held in full by the remitting coverage.

Every claim payment that balances posts and ties to the cent; every one that does not
parks exactly its CLP04; per transaction, payments posted + parked + PLB unapplied =
BPR02 whenever the transaction balances. Numbers (#n) are the MANIFEST's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.posting.checks import STATUS_RANK
from ar_cli.domain.posting.era import (
    Disposition,
    ProblemKind,
    billed_procedure,
    check_remittance_balance,
    claim_difference,
    line_difference,
    plan_provider_adjustments,
    provider_adjustment_total,
)
from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.x12 import X12Error, read_remittances
from domain.test_posting_builders import claim, claim_line, coverage, kinds, plan

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "x12"
pytestmark = [pytest.mark.shared, pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/x12 is not here")]
PAYER = 1
FILES = sorted(p.name for p in SHARED.glob("*")) if SHARED.is_dir() else []
REMITTANCES = [
    name
    for name in FILES
    if name.endswith((".835", ".txt", ".edi"))
    and "837" not in name
    and not name.endswith("837.edi")
    and "X222" not in name
    and "x12_valid" not in name
]


def claim_from(payment: ClaimPayment, *, control_numbers: bool = True) -> tuple[Claim, int]:
    """The claim the payment is for, and the remitting payer's rank on it."""
    rank = STATUS_RANK.get(payment.status_code, 1)
    lines = []
    for number, service in enumerate(payment.lines, start=1):
        code, modifiers = billed_procedure(service)
        on = service.service_date_from or payment.statement_from or date(2000, 1, 1)
        lines.append(
            claim_line(
                number,
                number,
                code,
                abs(service.charge),
                modifiers=tuple(sorted(modifiers)),
                control=service.line_control_number if control_numbers else "",
                on=on,
                until=service.service_date_to,
            )
        )
    person = payment.patient
    the_claim = claim(
        *(lines or [claim_line(1, 1, "0000", abs(payment.charge))]),
        number=payment.claim_number,
        coverages=tuple(
            coverage(r, PAYER if r == rank else 100 + r, person.identifier if person else "")
            for r in range(1, rank + 1)
        ),
        last=person.last_name if person else "",
        first=person.first_name if person else "",
    )
    return the_claim, rank


def plan_for(payment: ClaimPayment, **options):
    the_claim, rank = claim_from(payment, **options)
    return plan(the_claim, payment, payer_id=PAYER, balances={rank: max(payment.charge, 0)})


def read(name: str):
    try:
        return read_remittances(SHARED / name)
    except X12Error:
        return []  # refusing a file is the reader's business, tested in tests/x12


@pytest.mark.parametrize("name", REMITTANCES)
def test_every_sample_claim_posts_and_ties_or_parks(name):
    for remittance in read(name):
        posted = parked = 0
        for payment in remittance.claims:
            result = plan_for(payment)
            balanced = not claim_difference(payment) and not any(line_difference(s) for s in payment.lines)
            if not balanced:
                assert result.disposition is Disposition.PARK
                assert {ProblemKind.UNBALANCED_CLAIM, ProblemKind.UNBALANCED_LINE} & {p.kind for p in result.problems}
            if result.disposition is Disposition.POST:
                t = result.totals
                assert t.charge == t.paid + t.contractual + t.moved + t.denied + t.pending + t.informational
                assert sum(e.amount for e in result.entries if e.kind == "payment") == -payment.paid
            assert result.totals.paid + result.parked == (payment.paid if result.disposition != "record_only" else 0)
            posted += result.totals.paid
            parked += result.parked
        plbs = remittance.provider_adjustments
        claims_paid = sum(c.paid for c in remittance.claims)
        if (
            check_remittance_balance(remittance.header.payment_amount, claims_paid, provider_adjustment_total(plbs))
            == 0
        ):
            unapplied = parked + sum(p.amount for p in plan_provider_adjustments(plbs))
            assert posted + unapplied == remittance.header.payment_amount


def sample(name: str) -> list[ClaimPayment]:
    found = read(name)
    if not found:
        pytest.skip(f"{name} is not here")
    return [c for r in found for c in r.claims]


def test_full_denial_sample_opens_a_denial_per_line():  # 1
    (payment,) = sample("azoner__pyx12__pyx12__tests__835_mult_loops.txt")
    result = plan_for(payment)
    assert result.claim_denied and result.entries == ()
    assert [(d.claim_line_id, d.group, d.reason_code, d.amount) for d in result.denials] == [
        (1, "CO", "16", 50004),
        (2, "OA", "A7", 12780),
        (3, "OA", "A7", 28755),
    ]
    assert result.denials[1].category is DenialCategory.OTHER  # deactivated CARC: the fallback


def test_secondary_sample_pays_what_the_secondary_holds():  # 3: OA-23 516.00, OA-94 −9.00
    (payment,) = sample("LinuxForHealth__x12__src__tests__resources__835_005010X221A1__cob-contractural-adjustment.835")
    the_claim, rank = claim_from(payment)
    result = plan(the_claim, payment, payer_id=PAYER, balances={2: 2500})
    assert rank == 2 and result.disposition is Disposition.POST
    assert kinds(result) == [(1, 2, "payment", -3400, ""), (1, 2, "contractual", 900, "OA-94")]
    assert result.totals.informational == 51600 and result.totals.lowered == 2500


def test_payer_changed_codes_sample_matches_by_the_billed_code():  # 18: SVC06 59410
    (payment,) = sample("keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt")
    result = plan_for(payment, control_numbers=False)
    assert [(m.claim_line_id, m.method) for m in result.matches] == [
        (1, "procedure"),
        (2, "procedure"),
        (3, "procedure"),
    ]
    # Its third SVC has neither SVC02 nor SVC03 (both required): not read as 0.00, the
    # claim payment is held naming that segment (issue 13 item 5).
    assert [(p.kind, p.segment) for p in result.problems if p.blocks] == [(ProblemKind.MISSING_LINE_AMOUNT, 28)]
    assert "SVC02 (line charge) and SVC03 (line paid) missing" in result.problems[0].message
    assert result.disposition is Disposition.PARK and result.parked == 192286 and result.totals.paid == 0


def test_double_counted_claim_adjustment_sample_parks():  # 25
    (payment,) = sample("CHS-CDS-AIML__edi-835-parser__tests__test_edi_835_files__test.835")
    result = plan_for(payment)
    assert [(p.kind, p.amount) for p in result.problems if p.blocks] == [(ProblemKind.UNBALANCED_CLAIM, -49950)]
    assert result.parked == 150050


def test_reversal_and_correction_sample():  # 2 (4010: CR read as CO)
    reversal, correction, _ = sample("azoner__pyx12__test__files__835_simple.txt")
    undone, redone = plan_for(reversal), plan_for(correction)
    assert undone.is_reversal and kinds(undone) == [(1, 1, "payment", 21000, ""), (1, 1, "contractual", 10000, "CO-45")]
    assert kinds(redone) == [(1, 1, "payment", -20000, ""), (1, 1, "contractual", -10000, "CO-45")]


def test_recoupment_sample_plb_is_unapplied_money():  # 15: PLB WO −361.19
    (remittance,) = read("slott56__TigerShark__tests__835-example.txt") or pytest.skip("not here")
    (recoupment,) = plan_provider_adjustments(remittance.provider_adjustments)
    assert (recoupment.kind, recoupment.amount, recoupment.claim_reference) == (
        "recoupment",
        36119,
        "12104411559120820 001GAL295513",
    )
