from datetime import date

from ar_cli.domain.claims.charge_columns import check_header, split_patient_name
from ar_cli.domain.claims.charge_file import ClaimRowReader

BASE = {
    "claim_number": "C1",
    "patient_account": "A1",
    "patient_name": "DOE, JANE",
    "patient_dob": "1950-01-02",
    "payer_id": "MCR01",
    "payer_name": "Medicare",
    "service_date": "2026-05-01",
    "billed_date": "2026-05-03",
    "procedure_code": "99213",
    "modifiers": "25",
    "units": "1",
    "charge": "145.00",
}


def read(*rows, flush_every=0):
    """As the service runs it: add every row, flushing now and then."""
    header = list(BASE)
    reader = ClaimRowReader("f.csv", header)
    claims = []
    for number, row in enumerate(rows, start=2):
        reader.add(number, [row.get(column, "") for column in header])
        if flush_every and (number - 1) % flush_every == 0:
            claims += reader.flush()
    if reader.problems:
        return [], [str(p) for p in reader.problems]
    return claims + reader.flush(), []


def test_lines_group_into_claims_in_order():
    claims, problems = read(BASE, {**BASE, "procedure_code": "36415", "modifiers": "", "charge": "25"})
    assert problems == []
    (claim,) = claims
    assert [ln.procedure_code for ln in claim.lines] == ["99213", "36415"]
    assert [ln.line_number for ln in claim.lines] == [1, 2]
    assert claim.total_charge == 17000
    assert claim.coverages[0].payer_code == "MCR01"
    assert claim.first_service_date == date(2026, 5, 1)


def test_self_pay_has_no_coverage():
    claims, problems = read({**BASE, "payer_id": "SELF", "payer_name": ""})
    assert problems == [] and claims[0].coverages == ()


def test_every_bad_value_is_named_with_line_and_column():
    _, problems = read(
        {**BASE, "service_date": "05/01/2026"},
        {**BASE, "claim_number": "C2", "charge": "-5.00"},
        {**BASE, "claim_number": "C3", "charge": "abc", "units": "0"},
        {**BASE, "claim_number": "C4", "billed_date": "2026-02-30"},
        {**BASE, "claim_number": "C5", "procedure_code": ""},
    )
    assert problems == [
        "f.csv: line 2: service_date: is not a date (YYYY-MM-DD)",  # dates are the patient's: never shown
        "f.csv: line 3: charge: '-5.00' is negative",
        "f.csv: line 4: units: 'abc' is not a positive number of units".replace("'abc'", "'0'"),
        "f.csv: line 4: charge: 'abc' is not an amount",
        "f.csv: line 5: billed_date: is not a real date",
        "f.csv: line 6: procedure_code: is empty",
    ]


def test_lines_that_disagree_on_claim_fields_are_refused():
    _, problems = read(BASE, {**BASE, "payer_id": "ACME", "payer_name": "Acme"})
    assert problems == [
        "f.csv: line 3: payer_id: claim C1: differs from line 2 of the same claim (payer_id, payer_name)"
    ]


def test_header_must_have_required_columns():
    assert str(check_header(["claim_number", "charge"], "f.csv")[0]).startswith(
        "f.csv: line 1: header is missing column(s): patient_account, patient_name"
    )
    assert str(check_header(None, "f.csv")[0]) == "f.csv: line 1: no header row (the file is empty)"


def test_names_split_like_remittances_carry_them():
    assert split_patient_name("Doe, Jane Q") == ("DOE", "JANE Q")
    assert split_patient_name("Jane Doe") == ("DOE", "JANE")
    assert split_patient_name("Cher") == ("CHER", "")


def test_lines_of_a_claim_need_not_be_together():
    other = {**BASE, "claim_number": "C2", "patient_account": "A2"}
    claims, problems = read(BASE, other, {**BASE, "procedure_code": "36415"})
    assert problems == []
    assert [(c.claim_number, len(c.lines)) for c in claims] == [("C1", 2), ("C2", 1)]


def test_line_positions_continue_across_flushes():
    claims, problems = read(
        BASE, {**BASE, "procedure_code": "36415"}, {**BASE, "procedure_code": "93000"}, flush_every=2
    )
    assert problems == []
    assert [(c.claim_number, [ln.line_number for ln in c.lines]) for c in claims] == [("C1", [1, 2]), ("C1", [3])]


def test_repeated_line_control_number_is_refused():
    header = list(BASE) + ["line_control_number"]
    reader = ClaimRowReader("f.csv", header)
    reader.add(2, [*BASE.values(), "L1"])
    reader.add(3, [*BASE.values(), "L1"])
    assert [str(p) for p in reader.problems] == [
        "f.csv: line 3: line_control_number: claim C1: repeats a line control number of this claim"
    ]
