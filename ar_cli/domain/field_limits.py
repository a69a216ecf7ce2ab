"""The longest identifier and the range of dates the ledger takes, checked where input
arrives (charge files, 835 files, option values).

PostgreSQL refuses a value longer than its column (VARCHAR(n)) in the middle of a
transaction, and SQLite stores any length: without these checks the same file posts on
one and fails on the other. The numbers are the columns' own (store/tables_*.py; a
test keeps them equal). Messages name the field and its limit, never the value: it
may be a patient's.
"""

from __future__ import annotations

from datetime import date

CLAIM_NUMBER = 80  # claim.claim_number, claim_payment.claim_number (CLP01)
PAYER_CLAIM_NUMBER = 80  # claim_payment.payer_claim_number (CLP07)
TRACE_NUMBER = 80  # remittance.trace_number (TRN02)
PAYER_TRACE_ID = 80  # remittance.payer_trace_id (TRN03)
PATIENT_ACCOUNT = 80  # patient.account
PATIENT_NAME_PART = 120  # patient.last_name, patient.first_name
MEMBER_ID = 80  # coverage.member_id
PAYER_CODE = 80  # payer.code, payer_alias.alias
PAYER_NAME = 200  # payer.name
LINE_CONTROL_NUMBER = 80  # claim_line.line_control_number
NPI = 20  # claim.billing_npi, claim.rendering_npi
PLACE_OF_SERVICE = 4  # claim.place_of_service
FREQUENCY_CODE = 2  # claim.frequency_code
ORIGINAL_CLAIM_REF = 80  # claim.original_claim_ref
UNITS = 20  # claim_line.units
USER_NAME = 80  # app_user.name, audit_event.actor, every created_by
USER_FULL_NAME = 200  # app_user.full_name
# A paper payment's check or EFT number: source_ref (120) holds '<method> <reference>'
# and the unapplied entry's reference (120) the same, with room to spare.
PAYMENT_REFERENCE = 100

# Every date a command or file gives lies in these years: outside them it is a typo
# (0026 for 2026), and date arithmetic near year 1 or 9999 overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def too_long(value: str, limit: int) -> str | None:
    """What is wrong with `value` for a column of `limit` characters, or None."""
    return f"is longer than {limit} characters" if len(value) > limit else None


def date_out_of_range(value: date) -> str | None:
    """What is wrong with a date outside EARLIEST_DATE..LATEST_DATE, or None."""
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return f"is outside the years {EARLIEST_DATE.year}-{LATEST_DATE.year}"
