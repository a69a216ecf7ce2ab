"""Every 835 in ../shared/x12 is read, and what its MANIFEST.md says about it holds.

The files are read in place (never copied into the repo); the tests skip when the
shared folder is absent. Numbers (#n) are the MANIFEST's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ar_cli.domain.remittance.advice import (
    AdjustmentGroup,
    ClaimPayment,
    Remittance,
    RemittanceEnded,
    RemittanceStarted,
)
from ar_cli.x12 import X12Error, read_835, read_remittances


def _shared_x12() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").exists():
            folder = parent.parent / "shared" / "x12"
            return folder if folder.is_dir() else None
    return None


SHARED = _shared_x12()
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(SHARED is None, reason="../shared/x12 is not here"),
]

# MANIFEST number → file name; plus what its table says: does the transaction balance,
# and how many claims and lines balance out of how many.
SAMPLES = {
    1: ("azoner__pyx12__pyx12__tests__835_mult_loops.txt", True, (1, 1), (3, 3)),
    2: ("azoner__pyx12__test__files__835_simple.txt", False, (3, 3), (3, 3)),
    3: ("LinuxForHealth__x12__src__tests__resources__835_005010X221A1__cob-contractural-adjustment.835", True, (1, 1), (1, 1)),
    4: ("LinuxForHealth__x12__src__tests__resources__835_005010X221A1__managed-care.835", True, (2, 2), (2, 2)),
    5: ("LinuxForHealth__x12__src__tests__resources__835_005010X221A1__medicare-part-a.835", True, (2, 2), (0, 0)),
    6: ("LinuxForHealth__x12__src__tests__resources__835_005010X221A1__secondary-payment.835", True, (2, 2), (2, 2)),
    7: ("LinuxForHealth__x12__src__tests__resources__835_005010X221A1__tertiary-payment.835", True, (1, 1), (0, 1)),
    8: ("albmarin__badX12__tests__files__edi__X221-dollars-and-data-sent-separate.edi", True, (2, 2), (2, 2)),
    9: ("albmarin__badX12__tests__files__edi__X221-dollars-and-data-sent-together.edi", True, (2, 2), (0, 0)),
    11: ("albmarin__badX12__tests__files__edi__X221-multiple-claims-single-check.edi", True, (9, 9), (33, 33)),
    12: ("albmarin__badX12__tests__files__edi__X221-secondary-payment-with-higher-fee-schedule.edi", True, (1, 1), (1, 1)),
    13: ("albmarin__badX12__tests__files__edi__X221-secondary-payments.edi", True, (2, 2), (2, 2)),
    14: ("albmarin__badX12__tests__files__edi__X221-tertiary-payments.edi", True, (1, 1), (1, 1)),
    15: ("slott56__TigerShark__tests__835-example.txt", False, (2, 2), (2, 2)),
    18: ("keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt", True, (1, 1), (3, 3)),
    19: ("keironstoddart__edi-835-parser__tests__test_edi_835_files__emedny_sample.txt", True, (3, 3), (10, 10)),
    22: ("affect-therapeutics__edi-835-parser__tests__test_edi_835_files__exhaustive_sample.txt", True, (1, 1), (1, 1)),
    25: ("CHS-CDS-AIML__edi-835-parser__tests__test_edi_835_files__test.835", True, (0, 1), (2, 2)),
}  # fmt: skip


def read(number: int) -> Remittance:
    assert SHARED is not None
    [remittance] = read_remittances(SHARED / SAMPLES[number][0])
    return remittance


def warnings_of(remittance: Remittance) -> list[str]:
    """Warning texts without the file name."""
    return [str(w).split(": ", 1)[1] for w in remittance.warnings]


def balances(remittance: Remittance) -> tuple[bool, tuple[int, int], tuple[int, int]]:
    """The MANIFEST's three checks: BPR02 = ΣCLP04 − ΣPLB; claim and line balancing."""
    paid = sum(c.paid for c in remittance.claims)
    taken = sum(p.amount for p in remittance.provider_adjustments)
    claims_ok = sum(
        c.charge - sum(a.amount for a in c.adjustments) - sum(a.amount for ln in c.lines for a in ln.adjustments)
        == c.paid
        for c in remittance.claims
    )
    lines = [ln for c in remittance.claims for ln in c.lines]
    lines_ok = sum(ln.charge - sum(a.amount for a in ln.adjustments) == ln.paid for ln in lines)
    return (
        paid - taken == remittance.header.payment_amount,
        (claims_ok, len(remittance.claims)),
        (lines_ok, len(lines)),
    )


def test_every_835_in_the_manifest_is_here() -> None:
    assert SHARED is not None
    names = {path.name for path in SHARED.iterdir()}
    assert {entry[0] for entry in SAMPLES.values()} <= names


@pytest.mark.parametrize("number", sorted(SAMPLES))
def test_sample_balances_as_the_manifest_says(number: int) -> None:
    _, transaction_ok, claims, lines = SAMPLES[number]
    assert balances(read(number)) == (transaction_ok, claims, lines)


@pytest.mark.parametrize("number", sorted(SAMPLES))
def test_sample_events_come_in_order_and_match_the_collected_form(number: int) -> None:
    assert SHARED is not None
    events = list(read_835(SHARED / SAMPLES[number][0]))
    assert isinstance(events[0], RemittanceStarted)
    assert isinstance(events[-1], RemittanceEnded)
    claims = [e for e in events if isinstance(e, ClaimPayment)]
    assert events[1:-1] == claims
    assert events[-1].claim_count == len(claims)
    assert events[-1].header == events[0].header


@pytest.mark.parametrize("number", sorted(SAMPLES))
def test_sample_reads_the_same_in_any_chunk_size(number: int) -> None:
    assert SHARED is not None
    path = SHARED / SAMPLES[number][0]
    whole = list(read_835(path))
    for size in (1, 2, 3, 7, 64):
        assert list(read_835(path, chunk_size=size)) == whole


def test_837_files_are_refused_as_not_remittances() -> None:
    assert SHARED is not None
    claims_files = sorted(p for p in SHARED.iterdir() if "837" in p.name or "X222" in p.name)
    assert len(claims_files) >= 8
    for path in claims_files:
        with pytest.raises(X12Error, match=r"ST01: transaction set '837' is not an 835 remittance$"):
            read_remittances(path)


def test_1_notification_only_full_denial() -> None:
    r = read(1)
    h = r.header
    assert (h.handling_code, h.payment_amount, h.payment_method, h.payment_date) == ("H", 0, "NON", date(2004, 10, 28))
    [claim] = r.claims
    assert (claim.status_code, claim.charge, claim.paid) == ("4", 91539, 0)
    assert [(a.group, a.reason_code, a.amount) for ln in claim.lines for a in ln.adjustments] == [
        ("CO", "16", 50004), ("OA", "A7", 12780), ("OA", "A7", 28755),
    ]  # fmt: skip
    assert [ln.remark_codes for ln in claim.lines] == [("N14",)] * 3
    assert [ln.units_paid for ln in claim.lines] == ["68", "16", "36"]
    assert r.warnings == ()


def test_2_4010_reversal_and_correction_with_cr_group() -> None:
    r = read(2)
    assert r.header.version == "004010X091A1"
    assert r.header.payment_amount == 595021
    assert [(c.claim_number, c.status_code, c.charge, c.paid) for c in r.claims] == [
        ("123839-24635", "22", -31000, -21000),
        ("123839-24635", "1", 30000, 20000),
        ("134158-27488", "22", -50025, -50025),
    ]
    reversal_line = r.claims[0].lines[0]
    assert (reversal_line.charge, reversal_line.paid) == (-31000, -21000)
    [cr] = reversal_line.adjustments
    assert (cr.group, cr.group_as_sent, cr.reason_code, cr.amount) == (
        AdjustmentGroup.CONTRACTUAL_OBLIGATION, "CR", "45", -10000,
    )  # fmt: skip
    assert r.claims[2].lines[0].modifiers == ("TG",)
    assert [(p.reason_code, p.amount) for p in r.provider_adjustments] == [("CS", -100810), ("CS", 2421), ("CS", 595)]
    # The MANIFEST's figure: ΣCLP04 − ΣPLB = 467.69, not BPR02 5950.21.
    assert sum(c.paid for c in r.claims) - sum(p.amount for p in r.provider_adjustments) == 46769
    assert r.claims[0].patient is not None and r.claims[0].patient.id_qualifier == "34"
    assert r.warnings == ()  # CR is normal in 4010


def test_3_component_separator_in_data_differs_from_isa16() -> None:
    r = read(3)
    [claim] = r.claims
    [line] = claim.lines
    assert (claim.status_code, line.procedure_qualifier, line.procedure_code) == ("2", "HC", "55669")
    assert [(a.group, a.reason_code, a.amount) for a in line.adjustments] == [("OA", "23", 51600), ("OA", "94", -900)]
    assert line.references[0].qualifier == "1B"
    assert [(a.qualifier, a.amount) for a in line.amounts] == [("B6", 55000)]
    assert "segment 21: SVC01: components separated by '>', not the declared ':'" in warnings_of(r)


def test_4_payment_date_that_is_not_a_date() -> None:
    h = read(4).header
    assert (h.handling_code, h.payment_method, h.payment_amount) == ("I", "ACH", 94500)
    assert h.payment_date is None
    assert h.payment_date_text == "20002316"
    assert h.production_date == date(2002, 3, 14)
    assert (h.payee_npi, h.payee_tax_id) == ("5544667733", "777667755")
    assert "segment 4: BPR16: '20002316' is not a date (expected CCYYMMDD)" in warnings_of(read(4))
    claims = read(4).claims
    assert [(c.status_code, [a.reason_code for a in c.adjustments]) for c in claims] == [("1", ["A2"]), ("1", ["A2"])]
    assert claims[0].lines[0].service_date_from == date(2002, 3, 1)
    assert claims[0].lines[0].service_date_to == date(2002, 3, 4)


@pytest.mark.parametrize("number", [5, 9])
def test_5_and_9_institutional_with_plb_increasing_the_payment(number: int) -> None:
    r = read(number)
    assert r.header.payment_amount == 15000000
    assert [c.paid for c in r.claims] == [13801840, 1198033]
    assert all(c.lines == () for c in r.claims)
    [plb] = r.provider_adjustments
    assert (plb.reason_code, plb.reference, plb.amount, plb.fiscal_period_date) == (
        "CV",
        "CP",
        -127,
        date(2002, 12, 31),
    )
    assert r.claims[1].remark_codes == ("MA02",)
    assert r.header.payer_additional_id == "999"
    assert r.header.payer_ids == ("1512345678", "999")
    assert r.header.payee_npi == "6543210903"


def test_6_secondary_payment_with_two_triplets() -> None:
    r = read(6)
    assert [c.status_code for c in r.claims] == ["2", "2"]
    assert [(a.group, a.reason_code, a.amount) for a in r.claims[0].adjustments] == [("OA", "23", 941164)]
    second = r.claims[1].lines[1]
    assert [(a.group, a.reason_code, a.amount) for a in second.adjustments] == [
        ("PR", "1", 15000), ("PR", "2", 7000), ("CO", "42", 8500),
    ]  # fmt: skip
    assert (second.procedure_code, second.modifiers, second.revenue_code) == ("66543", ("26",), "220")


def test_7_malformed_tertiary_reads_with_shifted_amounts() -> None:
    # SVC01 lost its component separator ('SVC*HC*24599.00*…'): the reader does what a
    # real one would, reads 'HC' as a code with no qualifier and the amounts one
    # element to the left, and says so; it does not refuse the file.
    r = read(7)
    [claim] = r.claims
    [line] = claim.lines
    assert (claim.status_code, claim.paid) == ("3", 18750)
    assert (line.procedure_qualifier, line.procedure_code) == ("", "HC")
    assert (line.charge, line.paid, line.revenue_code) == (2459900, 176650, "187.50")
    assert r.header.payment_date is None  # the date is in BPR15, one element short
    assert warnings_of(r) == [
        "segment 4: BPR16: missing payment date",
        "segment 20: SVC01: has no code qualifier (expected e.g. 'HC:99213')",
        "segment 20: SVC06: has no code qualifier (expected e.g. 'HC:99213')",
    ]


def test_8_one_line_file_with_repetition_separator() -> None:
    r = read(8)
    assert r.header.payment_date == date(2002, 3, 16)
    assert [c.claim_number for c in r.claims] == ["5554555444", "8765432112"]
    assert r.warnings == ()


def test_11_many_claims_one_check() -> None:
    r = read(11)
    assert len(r.claims) == 9
    assert {c.claim_number for c in r.claims} == {"7722337"}
    assert sum(len(c.lines) for c in r.claims) == 33
    assert r.header.payment_amount == sum(c.paid for c in r.claims) == 81080
    codes = {(a.group, a.reason_code) for c in r.claims for ln in c.lines for a in ln.adjustments}
    assert codes == {("CO", "131"), ("PR", "3")}
    assert {ln.procedure_qualifier for c in r.claims for ln in c.lines} == {"AD"}


@pytest.mark.parametrize(("number", "code"), [(12, "55669"), (14, "24599")])
def test_clean_copies_read_without_warnings(number: int, code: str) -> None:
    r = read(number)
    assert r.claims[0].lines[0].procedure_code == code
    assert r.warnings == ()


def test_15_tigershark_pipes_and_newline_terminator() -> None:
    r = read(15)
    h = r.header
    assert (h.version, h.payment_amount, h.trace_number) == ("004010X091A1", 1234567, "1QG11111111")
    assert (h.payer_id_qualifier, h.payer_id, h.originating_company_code) == ("XV", "87726", "000011111")
    assert h.payer_ids == ("1111111111", "87726")
    assert [(c.claim_number, c.status_code) for c in r.claims] == [("001-DDDDDDDDDD", "1"), ("001-SSSSSSSSSS", "1")]
    assert [c.lines[0].line_control_number for c in r.claims] == ["251111111111", "252222222222"]
    assert r.claims[1].lines[0].remark_codes == ("N220", "M68")
    [plb] = r.provider_adjustments
    assert (plb.reason_code, plb.reference, plb.amount) == ("WO", "12104411559120820 001GAL295513", -36119)
    assert warnings_of(r) == ["segment 49: SE01: says '43' segments, the transaction has 47"]


def test_18_no_envelope_with_original_procedure_codes() -> None:
    r = read(18)
    assert r.header.version == ""
    assert r.header.segment == 1
    [claim] = r.claims
    assert [ln.line_control_number for ln in claim.lines] == ["0001", "0002", "0003"]
    assert [(ln.original_procedure_qualifier, ln.original_procedure_code) for ln in claim.lines] == [
        ("HC", "59410"), ("HC", "59410"), ("", ""),
    ]  # fmt: skip
    assert (claim.lines[2].charge, claim.lines[2].paid) == (0, 0)
    assert claim.received_date == date(2011, 1, 3)
    assert warnings_of(r) == ["segment 32: SE01: says '33' segments, the transaction has 32"]


def test_19_line_denials_without_a_denied_status() -> None:
    r = read(19)
    assert [(c.status_code, c.paid) for c in r.claims] == [("1", 3425), ("2", 0), ("2", 1150)]
    assert len({c.claim_number for c in r.claims}) == 1
    assert [a.reason_code for ln in r.claims[1].lines for a in ln.adjustments] == ["29", "29"]
    assert [ln.remark_codes for ln in r.claims[2].lines][2:] == [("N206",), ("N206",)]
    assert all(c.corrected_patient is not None for c in r.claims)
    assert r.warnings == ()


def test_22_exhaustive_sample_touches_every_segment() -> None:
    r = read(22)
    assert len(r.provider_adjustments) == 6
    assert [p.reason_code for p in r.provider_adjustments] == ["GO", "XX", "XX", "XX", "XX", "XX"]
    [claim] = r.claims
    [line] = claim.lines
    assert (line.procedure_qualifier, line.modifiers) == ("NU", ("XX", "XX", "XX", "XX"))
    assert (line.original_procedure_qualifier, line.original_units) == ("HC", "00000000")
    assert len(claim.adjustments) == 6 and len(line.adjustments) == 6
    assert claim.remark_codes == ("XXXX", "XXXXX", "XXXXXX", "XXX", "X", "XXXXX", "XXX", "XXX", "XXXXXX", "XX")
    assert None not in (claim.patient, claim.insured, claim.corrected_patient)
    assert [ref.qualifier for ref in line.references] == ["0K", "SY", "APC"]
    assert line.line_control_number == "XXXXX"


def test_25_claim_level_adjustment_counted_twice() -> None:
    r = read(25)
    [claim] = r.claims
    claim_level = sum(a.amount for a in claim.adjustments)
    line_level = sum(a.amount for ln in claim.lines for a in ln.adjustments)
    assert claim.charge - claim_level - line_level - claim.paid == -49950
    assert warnings_of(r) == ["segment 18: SE01: says '17' segments, the transaction has 16"]


def test_the_same_payment_in_two_files_has_different_digests_when_content_differs() -> None:
    # #4 and #8 are the same TR3 example, but #8 writes '945' for '945.00' and has a PER:
    # a different text, so a different digest. (Same content → same digest is tested
    # on our own fixtures.)
    assert read(4).digest != read(8).digest
    assert len(read(4).digest) == 64
