"""Claim values built from tuples (store/claim_values.py) are the constructor's values."""

from datetime import date

from ar_cli.domain.claims.records import Claim, ClaimLine, Coverage
from ar_cli.store import claim_values


def test_built_values_equal_constructed_ones():
    cov = Coverage(rank=1, payer_id=7, payer_code="P", payer_name="Payer", member_id="M1")
    line = ClaimLine(
        id=3,
        line_number=1,
        line_control_number="L1",
        procedure_code="99213",
        modifiers=("25",),
        units="1",
        charge=12500,
        service_from=date(2026, 1, 2),
        service_to=date(2026, 1, 3),
    )
    claim = Claim(
        id=5,
        claim_number="C1",
        patient_id=9,
        patient_account="A1",
        patient_last="Last",
        patient_first="First",
        billed_date=date(2026, 1, 5),
        first_service_date=date(2026, 1, 2),
        billing_npi="1",
        rendering_npi="2",
        place_of_service="11",
        frequency_code="1",
        original_claim_ref="",
        status="billed",
        coverages=(cov,),
        lines=(line,),
    )
    built_cov = claim_values.coverage(1, 7, "P", "Payer", "M1")
    built_line = claim_values.line(3, 1, "L1", "99213", ("25",), "1", 12500, date(2026, 1, 2), date(2026, 1, 3))
    built = claim_values.claim(
        5, "C1", 9, "A1", "Last", "First", date(2026, 1, 5), date(2026, 1, 2), "1", "2", "11", "1", "", "billed",
        (built_cov,), (built_line,),
    )  # fmt: skip
    assert (built_cov, built_line, built) == (cov, line, claim)
    assert repr(built) == repr(claim) and hash(built) == hash(claim)


def test_a_field_list_that_differs_from_the_record_is_refused():
    import pytest

    with pytest.raises(TypeError, match="fields"):
        claim_values._slot_setters(Coverage, ("rank", "payer_id"))
