"""A charge export's columns and cells: the header it must have, which columns are the
claim's and which the line's, the longest value the ledger stores per column, and the
parsers of one cell (amounts, procedure codes, modifiers, dates, units, patient names).

Pure. The parsers return the value or what is wrong with the text, never raise, and are
cached: a charge file repeats the same dates, codes, modifiers, units and fees thousands
of times. The row reading that uses them is in charge_file.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ar_cli.domain import field_limits as limits
from ar_cli.domain.errors import MoneyError, Problem
from ar_cli.domain.money import cents_from_text

REQUIRED_COLUMNS = (
    "claim_number",
    "patient_account",
    "patient_name",
    "patient_dob",
    "payer_id",
    "payer_name",
    "service_date",
    "billed_date",
    "procedure_code",
    "modifiers",
    "units",
    "charge",
)
OPTIONAL_COLUMNS = (
    "member_id",
    "secondary_payer_id",
    "secondary_payer_name",
    "secondary_member_id",
    "tertiary_payer_id",
    "tertiary_payer_name",
    "tertiary_member_id",
    "line_control_number",
    "service_date_to",
    "rendering_npi",
    "billing_npi",
    "place_of_service",
    "frequency_code",
    "original_claim_ref",
)
LINE_COLUMNS = frozenset(
    {"service_date", "service_date_to", "procedure_code", "modifiers", "units", "charge", "line_control_number"}
)
CLAIM_COLUMNS = tuple(c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c not in LINE_COLUMNS)
# Column → the longest value the ledger stores for it (the same on SQLite and PostgreSQL).
CLAIM_LIMITS = {
    "claim_number": limits.CLAIM_NUMBER,
    "patient_account": limits.PATIENT_ACCOUNT,
    "payer_id": limits.PAYER_CODE,
    "payer_name": limits.PAYER_NAME,
    "member_id": limits.MEMBER_ID,
    "secondary_payer_id": limits.PAYER_CODE,
    "secondary_payer_name": limits.PAYER_NAME,
    "secondary_member_id": limits.MEMBER_ID,
    "tertiary_payer_id": limits.PAYER_CODE,
    "tertiary_payer_name": limits.PAYER_NAME,
    "tertiary_member_id": limits.MEMBER_ID,
    "billing_npi": limits.NPI,
    "rendering_npi": limits.NPI,
    "place_of_service": limits.PLACE_OF_SERVICE,
    "frequency_code": limits.FREQUENCY_CODE,
    "original_claim_ref": limits.ORIGINAL_CLAIM_REF,
}
LINE_LIMITS = {"line_control_number": limits.LINE_CONTROL_NUMBER, "units": limits.UNITS}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[A-Za-z0-9]{1,10}$")
_MODIFIER = re.compile(r"^[A-Za-z0-9]{2}$")


def check_header(columns: Iterable[str] | None, source: str) -> list[Problem]:
    if not columns:
        return [Problem(source=source, location="line 1", message="no header row (the file is empty)")]
    present = {c.strip() for c in columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        return [Problem(source=source, location="line 1", message=f"header is missing column(s): {', '.join(missing)}")]
    return []


@lru_cache(maxsize=8192)
def parse_charge(text: str) -> int | str:
    try:
        return cents_from_text(text, allow_negative=False)
    except MoneyError as exc:
        return str(exc)


@lru_cache(maxsize=8192)
def parse_procedure_code(text: str) -> str | None:
    code = text.upper()
    return code if _CODE.match(code) else None


@lru_cache(maxsize=1024)
def parse_modifiers(text: str) -> tuple[str, ...] | None:
    modifiers = tuple(m.strip().upper() for m in text.split(":") if m.strip())
    if len(modifiers) > 4 or any(not _MODIFIER.match(m) for m in modifiers):
        return None
    return modifiers


@lru_cache(maxsize=4096)
def parse_iso_date(text: str) -> date | str:
    """A date, or what is wrong with the text (dates repeat a lot in a charge file)."""
    if not _ISO_DATE.match(text):
        return "is not a date (YYYY-MM-DD)"
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return "is not a real date"
    return limits.date_out_of_range(value) or value


@lru_cache(maxsize=1024)
def parse_units(text: str) -> str | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0:
        return None
    return format(value.normalize(), "f")


def rank_word(rank: int) -> str:
    return {1: "primary", 2: "secondary", 3: "tertiary"}[rank]


def split_patient_name(text: str) -> tuple[str, str]:
    """'DOE, JANE Q' → ('DOE', 'JANE Q'); 'Jane Doe' → ('DOE', 'JANE'). Upper-cased, as
    remittances carry names, so matching compares like with like."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return last.strip().upper(), first.strip().upper()
    parts = text.split(" ")
    if len(parts) == 1:
        return parts[0].upper(), ""
    return parts[-1].upper(), " ".join(parts[:-1]).upper()
