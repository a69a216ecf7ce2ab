"""Our own small 835s (tests/fixtures/x12): layouts and structures the shared samples
lack, each balanced at line, claim and transaction level."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ar_cli.domain.remittance.advice import (
    Adjustment,
    AdjustmentGroup,
    ClaimPayment,
    Person,
    Reference,
    RemittanceEnded,
    RemittanceStarted,
    SupplementalAmount,
)
from ar_cli.x12 import read_835, read_remittances

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


def without_segments(value: Any) -> Any:
    """Values as plain data with every `segment` number left out."""
    if is_dataclass(value):
        value = asdict(value)  # type: ignore[arg-type]
    if isinstance(value, dict):
        return {k: without_segments(v) for k, v in value.items() if k != "segment"}
    if isinstance(value, list | tuple):
        return [without_segments(v) for v in value]
    return value


def test_crlf_and_one_line_layouts_read_the_same_and_digest_the_same() -> None:
    assert b"~\r\n" in (FIXTURES / "crlf.835").read_bytes()
    assert b"\n" not in (FIXTURES / "one-line.835").read_bytes()
    [crlf] = read_remittances(FIXTURES / "crlf.835")
    [one_line] = read_remittances(FIXTURES / "one-line.835")
    assert crlf.claims == one_line.claims
    assert crlf.header.control_number == "0301"
    assert one_line.header.control_number == "0302"
    # Different envelope control numbers and layout, same remittance: same digest.
    assert crlf.digest == one_line.digest
    [line] = crlf.claims[0].lines
    assert line.line_control_number == "CLM3001-1"
    assert crlf.header.payment_date == date(2025, 3, 5)
    assert crlf.warnings == ()


def test_several_transactions_in_one_group() -> None:
    events = list(read_835(FIXTURES / "several-transactions.835"))
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["RemittanceStarted", "ClaimPayment", "RemittanceEnded", "RemittanceStarted", "RemittanceEnded"]
    first, second = read_remittances(FIXTURES / "several-transactions.835")
    assert (first.header.trace_number, second.header.trace_number) == ("EFT4001", "EFT4002")
    assert first.header.payer_ids == ("1512345678", "FHP01")
    # A PLB-only payment: no claims, the money is all provider-level (interest).
    assert second.claims == ()
    [interest] = second.provider_adjustments
    assert (interest.reason_code, interest.reference, interest.amount) == ("L6", "", -1234)
    assert second.header.payment_amount == -interest.amount
    assert first.warnings == second.warnings == ()
    assert first.digest != second.digest


def test_the_same_payment_resent_in_another_interchange_with_other_delimiters() -> None:
    raw = (FIXTURES / "several-interchanges.835").read_bytes()
    assert b"ISA|" in raw and b"HC>99213>25" in raw
    first, second = read_remittances(FIXTURES / "several-interchanges.835")
    assert (first.header.control_number, second.header.control_number) == ("0501", "0777")
    # Everything but segment numbers is the same.
    assert without_segments(first.claims) == without_segments(second.claims)
    assert [ln.procedure_code for ln in second.claims[0].lines] == ["99213"]
    assert second.claims[0].lines[0].modifiers == ("25",)
    assert second.header.trace_number == first.header.trace_number
    assert first.digest == second.digest
    assert first.warnings == second.warnings == ()
    assert second.header.segment == first.header.segment + 17


def test_4010_reversal_with_cr_group_and_original_reference() -> None:
    [r] = read_remittances(FIXTURES / "reversal-4010.835")
    assert r.header.version == "004010X091A1"
    reversal, correction = r.claims
    assert (reversal.status_code, reversal.charge, reversal.paid, reversal.patient_responsibility) == (
        "22", -15000, -10000, -2000,
    )  # fmt: skip
    assert reversal.original_reference == "ICN4440001"
    assert reversal.references == ()
    [line] = reversal.lines
    assert line.units_paid == "-1"
    assert line.adjustments == (
        Adjustment(
            group=AdjustmentGroup.CONTRACTUAL_OBLIGATION, group_as_sent="CR", reason_code="45", amount=-3000,
            quantity=None, segment=line.segment + 2,
        ),
        Adjustment(
            group=AdjustmentGroup.PATIENT_RESPONSIBILITY, group_as_sent="PR", reason_code="2", amount=-2000,
            quantity=None, segment=line.segment + 3,
        ),
    )  # fmt: skip
    assert correction.lines[0].adjustments[0].group_as_sent == "CO"
    assert r.header.payee_tax_id == "361234567"
    assert r.warnings == ()


def test_lines_remarks_and_provider_adjustments() -> None:
    [r] = read_remittances(FIXTURES / "lines-and-provider-adjustments.835")
    h = r.header
    assert (h.payer_name, h.payer_id_qualifier, h.payer_id, h.payer_additional_id) == (
        "FIXTURE HEALTH PLAN", "XV", "FHP01", "FHP-ALT",
    )  # fmt: skip
    assert h.payer_ids == ("1512345678", "FHP01", "FHP-ALT")
    assert (h.payee_npi, h.payee_tax_id, h.originating_company_code) == ("1999999984", "361234567", "OPER01")
    paid, denied = r.claims
    assert paid.patient == Person(
        last_name="TESTER", first_name="PAT", middle_name="", id_qualifier="MI", identifier="MEM0001"
    )
    assert paid.insured is not None and paid.insured.identifier == "MEM0000"
    assert paid.references == (Reference(qualifier="1L", value="GRP77"),)
    assert (paid.statement_from, paid.statement_to, paid.received_date) == (
        date(2025, 2, 10), date(2025, 2, 10), date(2025, 2, 15),
    )  # fmt: skip
    assert paid.amounts == (
        SupplementalAmount(qualifier="AU", amount=22000),
        SupplementalAmount(qualifier="I", amount=550),
    )
    bundled, second = paid.lines
    assert (bundled.procedure_code, bundled.modifiers) == ("99214", ("25",))
    assert (bundled.original_procedure_qualifier, bundled.original_procedure_code, bundled.original_modifiers) == (
        "HC", "99215", ("25",),
    )  # fmt: skip
    assert (bundled.units_paid, bundled.original_units) == ("1", "1")
    assert bundled.remark_codes == ("N130",)
    assert [(a.reason_code, a.amount, a.quantity) for a in second.adjustments] == [
        ("45", 3000, None), ("253", 1000, None), ("3", 1000, None),
    ]  # fmt: skip
    assert (denied.status_code, denied.paid, denied.remark_codes) == ("4", 0, ("M15", "MA130"))
    [line] = denied.lines
    assert (line.modifiers, line.units_paid) == (("GP", "59"), "2")
    assert (line.service_date_from, line.service_date_to) == (date(2025, 2, 11), date(2025, 2, 12))
    assert [(a.group, a.reason_code, a.amount, a.quantity) for a in line.adjustments] == [("CO", "97", 8000, "2")]
    assert [(p.reason_code, p.reference, p.amount) for p in r.provider_adjustments] == [
        ("L6", "CLM1001", -550), ("WO", "PCN800123", 2000), ("72", "PCN800123", -2000), ("CS", "ADJ1", 400),
        ("FB", "FWD2025", 1000),
    ]  # fmt: skip
    assert {p.fiscal_period_date for p in r.provider_adjustments} == {date(2025, 12, 31)}
    # Transaction balancing: BPR02 = ΣCLP04 − ΣPLB (a positive PLB is taken from the payment).
    assert h.payment_amount == sum(c.paid for c in r.claims) - sum(p.amount for p in r.provider_adjustments)
    assert r.warnings == ()


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.835")))
def test_fixture_is_balanced_and_reads_the_same_in_any_chunk_size(name: str) -> None:
    path = FIXTURES / name
    events = list(read_835(path))
    for size in (1, 5, 13):
        assert list(read_835(path, chunk_size=size)) == events
    claims: list[ClaimPayment] = []
    for event in events:
        if isinstance(event, RemittanceStarted):
            claims = []
            header = event.header
        elif isinstance(event, ClaimPayment):
            claims.append(event)
            for line in event.lines:
                assert line.charge - sum(a.amount for a in line.adjustments) == line.paid
            adjusted = sum(a.amount for a in event.adjustments) + sum(
                a.amount for ln in event.lines for a in ln.adjustments
            )
            assert event.charge - adjusted == event.paid
            patient = sum(a.amount for ln in event.lines for a in ln.adjustments if a.group == "PR")
            assert patient == event.patient_responsibility
        else:
            assert isinstance(event, RemittanceEnded)
            taken = sum(p.amount for p in event.provider_adjustments)
            assert sum(c.paid for c in claims) - taken == header.payment_amount
            assert event.warnings == ()
