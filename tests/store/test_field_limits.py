"""domain/field_limits.py repeats the lengths of the ledger's columns (the domain does
not import the table models): kept equal here."""

from ar_cli.domain import field_limits
from ar_cli.store.tables import (
    ClaimLineRow,
    ClaimPaymentRow,
    ClaimRow,
    CoverageRow,
    PatientRow,
    PayerAliasRow,
    PayerRow,
    RemittanceRow,
    UserRow,
)


def test_limits_are_the_ledger_columns_own():
    """domain/field_limits.py repeats numbers from the table models: kept equal here."""

    def length(table, column):
        return table.__table__.c[column].type.length

    assert length(ClaimRow, "claim_number") == field_limits.CLAIM_NUMBER
    assert length(ClaimPaymentRow, "claim_number") == field_limits.CLAIM_NUMBER
    assert length(ClaimPaymentRow, "payer_claim_number") == field_limits.PAYER_CLAIM_NUMBER
    assert length(RemittanceRow, "trace_number") == field_limits.TRACE_NUMBER
    assert length(RemittanceRow, "payer_trace_id") == field_limits.PAYER_TRACE_ID
    assert length(PatientRow, "account") == field_limits.PATIENT_ACCOUNT
    assert length(PatientRow, "last_name") == field_limits.PATIENT_NAME_PART
    assert length(PatientRow, "first_name") == field_limits.PATIENT_NAME_PART
    assert length(CoverageRow, "member_id") == field_limits.MEMBER_ID
    assert length(PayerRow, "code") == length(PayerAliasRow, "alias") == field_limits.PAYER_CODE
    assert length(PayerRow, "name") == field_limits.PAYER_NAME
    assert length(ClaimLineRow, "line_control_number") == field_limits.LINE_CONTROL_NUMBER
    assert length(ClaimLineRow, "units") == field_limits.UNITS
    assert length(ClaimRow, "billing_npi") == length(ClaimRow, "rendering_npi") == field_limits.NPI
    assert length(ClaimRow, "place_of_service") == field_limits.PLACE_OF_SERVICE
    assert length(ClaimRow, "frequency_code") == field_limits.FREQUENCY_CODE
    assert length(ClaimRow, "original_claim_ref") == field_limits.ORIGINAL_CLAIM_REF
    assert length(UserRow, "name") == field_limits.USER_NAME
    assert length(UserRow, "full_name") == field_limits.USER_FULL_NAME
