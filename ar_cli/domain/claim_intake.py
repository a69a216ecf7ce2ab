"""Reading a practice-management charge export (one row per claim line) into claims.

Pure: takes rows already split by the csv module, returns ClaimIn values and the
problems found. A file with any problem is refused whole by the service, so every
problem is collected (up to a cap) rather than stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from ar_cli.domain.claims import ClaimIn, ClaimLineIn, CoverageIn
from ar_cli.domain.errors import MoneyError, Problem
from ar_cli.domain.money import cents_from_text
from ar_cli.domain.payers import is_self_pay

REQUIRED_COLUMNS = (
    "claim_number", "patient_account", "patient_name", "patient_dob", "payer_id", "payer_name",
    "service_date", "billed_date", "procedure_code", "modifiers", "units", "charge",
)
OPTIONAL_COLUMNS = (
    "member_id", "secondary_payer_id", "secondary_payer_name", "secondary_member_id",
    "tertiary_payer_id", "tertiary_payer_name", "tertiary_member_id", "line_control_number",
    "service_date_to", "rendering_npi", "billing_npi", "place_of_service", "frequency_code",
    "original_claim_ref",
)
LINE_COLUMNS = frozenset({"service_date", "service_date_to", "procedure_code", "modifiers",
                          "units", "charge", "line_control_number"})
CLAIM_COLUMNS = tuple(c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c not in LINE_COLUMNS)
MAX_PROBLEMS = 50

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[A-Za-z0-9]{1,10}$")
_MODIFIER = re.compile(r"^[A-Za-z0-9]{2}$")


def check_header(columns: Iterable[str] | None, source: str) -> list[Problem]:
    if not columns:
        return [Problem(source=source, location="line 1", message="no header row (the file is empty)")]
    present = {c.strip() for c in columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        return [Problem(source=source, location="line 1",
                        message=f"header is missing column(s): {', '.join(missing)}")]
    return []


@dataclass
class _Pending:
    first_line: int
    claim_values: dict[str, str]
    claim: dict[str, object]
    lines: list[ClaimLineIn] = field(default_factory=list)


class ClaimRowReader:
    """Feed rows one at a time; `finish()` returns the claims in first-seen order."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.problem_count = 0
        self._claims: dict[str, _Pending] = {}

    def _problem(self, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(source=self.source, location=f"line {line}",
                                         field=column, message=message))

    def add(self, line: int, row: Mapping[str, str | None]) -> None:
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if None in row:
            self._problem(line, "", "has more values than the header has columns")
            return
        before = self.problem_count
        claim_number = values.get("claim_number", "")
        for column in ("claim_number", "patient_account", "patient_name", "service_date",
                       "billed_date", "procedure_code", "units", "charge"):
            if not values.get(column):
                self._problem(line, column, "is empty")
        if self.problem_count > before:
            return
        claim_values = {c: values.get(c, "") for c in CLAIM_COLUMNS}
        pending = self._claims.get(claim_number)
        if pending is None:
            claim = self._claim_values(line, claim_values)
            if claim is None:
                return
            pending = _Pending(first_line=line, claim_values=claim_values, claim=claim)
            self._claims[claim_number] = pending
        elif pending.claim_values != claim_values:
            differing = [c for c in CLAIM_COLUMNS if pending.claim_values[c] != claim_values[c]]
            self._problem(line, differing[0],
                          f"claim {claim_number}: differs from line {pending.first_line} of the "
                          f"same claim ({', '.join(differing)})")
            return
        claim_line = self._line(line, values, len(pending.lines) + 1)
        if claim_line is not None:
            pending.lines.append(claim_line)

    def _date(self, line: int, column: str, text: str) -> date | None:
        if not _ISO_DATE.match(text):
            self._problem(line, column, f"{text!r} is not a date (YYYY-MM-DD)")
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self._problem(line, column, f"{text!r} is not a real date")
            return None

    def _claim_values(self, line: int, v: dict[str, str]) -> dict[str, object] | None:
        before = self.problem_count
        billed = self._date(line, "billed_date", v["billed_date"])
        dob = self._date(line, "patient_dob", v["patient_dob"]) if v["patient_dob"] else None
        last, first = split_patient_name(v["patient_name"])
        coverages: list[CoverageIn] = []
        for rank, prefix in ((1, ""), (2, "secondary_"), (3, "tertiary_")):
            code_col = "payer_id" if rank == 1 else f"{prefix}payer_id"
            name_col = "payer_name" if rank == 1 else f"{prefix}payer_name"
            member_col = "member_id" if rank == 1 else f"{prefix}member_id"
            code = v[code_col]
            if is_self_pay(code):
                continue
            if len(coverages) != rank - 1:
                self._problem(line, code_col, f"{rank_word(rank)} payer given without a "
                                              f"{rank_word(rank - 1)} payer")
                continue
            if not v[name_col]:
                self._problem(line, name_col, f"is empty for payer {code}")
                continue
            coverages.append(CoverageIn(rank=rank, payer_code=code.upper(), payer_name=v[name_col],
                                        member_id=v[member_col]))
        if self.problem_count > before:
            return None
        return {
            "claim_number": v["claim_number"], "patient_account": v["patient_account"],
            "patient_last": last, "patient_first": first, "patient_birth_date": dob,
            "billed_date": billed, "coverages": tuple(coverages),
            "billing_npi": v["billing_npi"], "rendering_npi": v["rendering_npi"],
            "place_of_service": v["place_of_service"], "frequency_code": v["frequency_code"] or "1",
            "original_claim_ref": v["original_claim_ref"],
        }

    def _line(self, line: int, v: dict[str, str], position: int) -> ClaimLineIn | None:
        before = self.problem_count
        start = self._date(line, "service_date", v["service_date"])
        end = self._date(line, "service_date_to", v["service_date_to"]) if v.get("service_date_to") else start
        if start and end and end < start:
            self._problem(line, "service_date_to", "is before service_date")
        code = v["procedure_code"].upper()
        if not _CODE.match(code):
            self._problem(line, "procedure_code", f"{v['procedure_code']!r} is not a procedure code")
        modifiers = tuple(m.strip().upper() for m in v["modifiers"].split(":") if m.strip())
        bad = [m for m in modifiers if not _MODIFIER.match(m)]
        if bad or len(modifiers) > 4:
            self._problem(line, "modifiers", f"{v['modifiers']!r} is not up to four "
                                             "two-character modifiers separated by ':'")
        units = _units(v["units"])
        if units is None:
            self._problem(line, "units", f"{v['units']!r} is not a positive number of units")
        try:
            charge = cents_from_text(v["charge"], allow_negative=False)
        except MoneyError as exc:
            self._problem(line, "charge", str(exc))
            charge = 0
        if self.problem_count > before:
            return None
        return ClaimLineIn(line_number=position, line_control_number=v.get("line_control_number", ""),
                           procedure_code=code, modifiers=modifiers, units=units or "1",
                           charge=charge, service_from=start, service_to=end, source_line=line)

    def finish(self) -> list[ClaimIn]:
        claims = []
        for pending in self._claims.values():
            if pending.lines:
                claims.append(ClaimIn(lines=tuple(pending.lines), source_line=pending.first_line,
                                      **pending.claim))
        return claims


def _units(text: str) -> str | None:
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
