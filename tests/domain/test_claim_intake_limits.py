"""A charge file's problems name the line and the column, never a PHI value; values
longer than the ledger's columns and dates outside 1900-2199 are refused here, the same
on SQLite and PostgreSQL."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ar_cli.domain import field_limits
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
    "member_id": "MEM123",
    "secondary_payer_id": "",
    "secondary_payer_name": "",
    "secondary_member_id": "",
    "line_control_number": "",
    "original_claim_ref": "",
}
PHI_COLUMNS = ("patient_name", "patient_dob", "member_id", "secondary_member_id")


def problems(*rows):
    header = list(BASE)
    reader = ClaimRowReader("charges.csv", header)
    for number, row in enumerate(rows, start=2):
        reader.add(number, [row.get(column, "") for column in header])
    return [str(p) for p in reader.problems]


def test_a_malformed_birth_date_is_named_by_column_and_line_not_shown():
    assert problems({**BASE, "patient_dob": "1950-02-30"}) == ["charges.csv: line 2: patient_dob: is not a real date"]
    assert problems({**BASE, "patient_dob": "02/03/1950"}) == [
        "charges.csv: line 2: patient_dob: is not a date (YYYY-MM-DD)"
    ]


text = st.text(alphabet=string.ascii_letters + string.digits + " ,-/.:'", min_size=4, max_size=300)


@settings(max_examples=300, deadline=None)
@given(column=st.sampled_from(PHI_COLUMNS), value=text, secondary=st.booleans())
def test_no_problem_ever_quotes_a_phi_value(column, value, secondary):
    row = {**BASE, column: value}
    if secondary:  # a secondary member id is read only with a secondary payer
        row.update(secondary_payer_id="AETNA", secondary_payer_name="Aetna")
    for line in problems(row, {**row, "procedure_code": "36415"}):
        assert value.strip() not in line, line


def test_values_longer_than_the_ledger_columns_are_refused_by_column():
    long_claim = "C" * 100
    found = problems(
        {**BASE, "claim_number": long_claim, "member_id": "M" * 81, "patient_name": "DOE, " + "J" * 121},
        {**BASE, "claim_number": "C2", "line_control_number": "L" * 81},
    )
    assert found == [
        "charges.csv: line 2: claim_number: is longer than 80 characters",
        "charges.csv: line 2: member_id: is longer than 80 characters",
        "charges.csv: line 2: patient_name: has a last or first name longer than 120 characters",
        "charges.csv: line 3: line_control_number: is longer than 80 characters",
    ]
    assert not problems({**BASE, "claim_number": "C" * field_limits.CLAIM_NUMBER})


def test_dates_outside_the_sane_years_are_refused():
    assert problems({**BASE, "service_date": "0026-05-01"}) == [
        "charges.csv: line 2: service_date: is outside the years 1900-2199"
    ]
    assert problems({**BASE, "billed_date": "2300-01-01"}) == [
        "charges.csv: line 2: billed_date: is outside the years 1900-2199"
    ]
