"""Reading a practice-management charge export (one row per claim line) into claims.

Pure: takes rows already split by the csv module, returns ClaimIn values and the
problems found. A file with any problem is refused whole by the service, so every
problem is collected (up to a cap) rather than stopping at the first. The columns and
the parsers of one cell are in charge_columns.py.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from ar_cli.domain import field_limits as limits
from ar_cli.domain.claims.charge_columns import (
    CLAIM_COLUMNS,
    CLAIM_LIMITS,
    LINE_LIMITS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    parse_charge,
    parse_iso_date,
    parse_modifiers,
    parse_procedure_code,
    parse_units,
    rank_word,
    split_patient_name,
)
from ar_cli.domain.claims.records import ClaimIn, ClaimLineIn, CoverageIn
from ar_cli.domain.errors import Problem
from ar_cli.domain.field_limits import too_long
from ar_cli.domain.payers import is_self_pay

MAX_PROBLEMS = 50


@dataclass(slots=True)
class _Seen:
    """What the first pass keeps of a claim: enough to check later lines, not the lines.
    Kept for every claim of the file, so small: slots, and the line control numbers as a
    tuple (a claim has a few; a set cost ~200 bytes more a claim)."""

    first_line: int
    key: bytes
    lines: int = 0
    control_numbers: tuple[str, ...] = ()


@dataclass
class _Assembling:
    claim: dict[str, Any]  # ClaimIn's keyword arguments but its lines (_claim_values)
    lines: list[ClaimLineIn] = field(default_factory=list)


class ClaimRowReader:
    """Reads a charge file's rows in one pass with memory flat whatever its size.

    `add(line, values)` validates each row against the claim's earlier lines using a
    fingerprint (8 bytes per claim-level column), not the earlier rows themselves;
    `flush()` hands over the claims assembled so far, to be written in the same
    transaction. Line positions continue across flushes, so a claim whose lines are
    spread through the file keeps its line numbers. Any problem stops the assembling:
    the caller refuses the whole file (and rolls back what it wrote).
    """

    def __init__(self, source: str, header: list[str]) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.width = len(header)
        index = {name.strip(): i for i, name in enumerate(header)}
        self._at = {name: index.get(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
        self._claim_at = [self._at[c] for c in CLAIM_COLUMNS]
        present = [(name, i) for name, i in self._at.items() if i is not None]
        self._present_names = [name for name, _ in present]
        self._pick = _picker([i for _, i in present])
        self._absent = {name: "" for name, i in self._at.items() if i is None}
        self._pack = struct.Struct(f"{len(self._claim_at)}q").pack
        # Fast path when every claim-level column is present (an optional one may not be).
        claim_at = [i for i in self._claim_at if i is not None]
        self._claim_pick = _picker(claim_at) if len(claim_at) == len(self._claim_at) else None
        self._seen: dict[str, _Seen] = {}
        self._assembling: dict[str, _Assembling] = {}

    def _problem(self, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(source=self.source, location=f"line {line}", field=column, message=message))

    def _values(self, row: list[str]) -> dict[str, str]:
        if len(row) == self.width:
            values = dict(self._absent)
            values.update(zip(self._present_names, map(str.strip, self._pick(row))))
            return values
        return {name: (row[i].strip() if i is not None and i < len(row) else "") for name, i in self._at.items()}

    def _claim_key(self, row: list[str]) -> bytes:
        # One 8-byte hash per claim-level column: a claim's later lines are compared
        # with its first without keeping the first line's text.
        if self._claim_pick is not None and len(row) == self.width:
            return self._pack(*map(hash, map(str.strip, self._claim_pick(row))))
        return self._pack(*[hash(row[i].strip() if i is not None and i < len(row) else "") for i in self._claim_at])

    def add(self, line: int, row: list[str]) -> None:
        """Validate one row; while the file is clean so far, keep its line for `flush`."""
        if len(row) > self.width:
            self._problem(line, "", "has more values than the header has columns")
            return
        values = self._values(row)
        before = self.problem_count
        for column in (
            "claim_number",
            "patient_account",
            "patient_name",
            "service_date",
            "billed_date",
            "procedure_code",
            "units",
            "charge",
        ):
            if not values[column]:
                self._problem(line, column, "is empty")
        if self.problem_count > before:
            return
        number = values["claim_number"]
        key = self._claim_key(row)
        seen = self._seen.get(number)
        claim = None
        if seen is None:
            claim = self._claim_values(line, values)
            if claim is None:
                return
            seen = self._seen[number] = _Seen(first_line=line, key=key)
        elif seen.key != key:
            mine = struct.unpack(f"{len(self._claim_at)}q", key)
            theirs = struct.unpack(f"{len(self._claim_at)}q", seen.key)
            differing = [c for c, a, b in zip(CLAIM_COLUMNS, mine, theirs) if a != b]
            self._problem(
                line,
                differing[0],
                f"claim {number}: differs from line {seen.first_line} of the same claim ({', '.join(differing)})",
            )
            return
        claim_line = self._line(line, values, seen.lines + 1)
        if claim_line is None:
            return
        control = values["line_control_number"]
        if control:
            if control in seen.control_numbers:
                self._problem(
                    line, "line_control_number", f"claim {number}: repeats a line control number of this claim"
                )
                return
            seen.control_numbers += (control,)
        seen.lines += 1
        if self.problem_count:
            self._assembling.clear()  # the file will be refused: keep nothing
            return
        building = self._assembling.get(number)
        if building is None:
            if claim is None:  # a later line of a claim already flushed
                claim = self._claim_values(line, values)
                if claim is None:  # it has problems now: the file will be refused
                    return
            claim["source_line"] = line
            building = self._assembling[number] = _Assembling(claim=claim)
        building.lines.append(claim_line)

    def flush(self) -> list[ClaimIn]:
        """The claims assembled since the last flush (a claim whose lines are spread
        through the file comes back once per flush that saw some of them)."""
        claims = [ClaimIn(lines=tuple(b.lines), **b.claim) for b in self._assembling.values()]
        self._assembling.clear()
        return claims

    @property
    def claim_count(self) -> int:
        return len(self._seen)

    def _date(self, line: int, column: str, text: str) -> date | None:
        parsed = parse_iso_date(text)
        if isinstance(parsed, str):
            # Never the text: a birth date or a date of service is the patient's (PHI).
            self._problem(line, column, parsed)
            return None
        return parsed

    def _lengths(self, line: int, v: dict[str, str], limits: dict[str, int]) -> None:
        """Values longer than their ledger column (domain/field_limits.py), by column name."""
        for column, limit in limits.items():
            problem = too_long(v[column], limit)
            if problem:
                self._problem(line, column, problem)

    def _claim_values(self, line: int, v: dict[str, str]) -> dict[str, Any] | None:
        before = self.problem_count
        self._lengths(line, v, CLAIM_LIMITS)
        billed = self._date(line, "billed_date", v["billed_date"])
        dob = self._date(line, "patient_dob", v["patient_dob"]) if v["patient_dob"] else None
        last, first = split_patient_name(v["patient_name"])
        if max(len(last), len(first)) > limits.PATIENT_NAME_PART:
            self._problem(
                line, "patient_name", f"has a last or first name longer than {limits.PATIENT_NAME_PART} characters"
            )
        coverages: list[CoverageIn] = []
        for rank, prefix in ((1, ""), (2, "secondary_"), (3, "tertiary_")):
            code_col = "payer_id" if rank == 1 else f"{prefix}payer_id"
            name_col = "payer_name" if rank == 1 else f"{prefix}payer_name"
            member_col = "member_id" if rank == 1 else f"{prefix}member_id"
            code = v[code_col]
            if is_self_pay(code):
                continue
            if len(coverages) != rank - 1:
                self._problem(line, code_col, f"{rank_word(rank)} payer given without a {rank_word(rank - 1)} payer")
                continue
            if not v[name_col]:
                self._problem(line, name_col, f"is empty for payer {code}")
                continue
            coverages.append(
                CoverageIn(rank=rank, payer_code=code.upper(), payer_name=v[name_col], member_id=v[member_col])
            )
        if self.problem_count > before:
            return None
        return {
            "claim_number": v["claim_number"],
            "patient_account": v["patient_account"],
            "patient_last": last,
            "patient_first": first,
            "patient_birth_date": dob,
            "billed_date": billed,
            "coverages": tuple(coverages),
            "billing_npi": v["billing_npi"],
            "rendering_npi": v["rendering_npi"],
            "place_of_service": v["place_of_service"],
            "frequency_code": v["frequency_code"] or "1",
            "original_claim_ref": v["original_claim_ref"],
        }

    def _line(self, line: int, v: dict[str, str], position: int) -> ClaimLineIn | None:
        before = self.problem_count
        self._lengths(line, v, LINE_LIMITS)
        start = self._date(line, "service_date", v["service_date"])
        end = self._date(line, "service_date_to", v["service_date_to"]) if v["service_date_to"] else start
        if start and end and end < start:
            self._problem(line, "service_date_to", "is before service_date")
        code = parse_procedure_code(v["procedure_code"])
        if code is None:
            self._problem(line, "procedure_code", f"{v['procedure_code']!r} is not a procedure code")
        modifiers = parse_modifiers(v["modifiers"])
        if modifiers is None:
            self._problem(
                line, "modifiers", f"{v['modifiers']!r} is not up to four two-character modifiers separated by ':'"
            )
        units = parse_units(v["units"])
        if units is None:
            self._problem(line, "units", f"{v['units']!r} is not a positive number of units")
        charge = parse_charge(v["charge"])
        if isinstance(charge, str):
            self._problem(line, "charge", charge)
        if (
            self.problem_count > before
            or start is None
            or end is None
            or code is None
            or modifiers is None
            or units is None
            or isinstance(charge, str)
        ):  # each of those is a problem too
            return None
        return ClaimLineIn(
            line_number=position,
            line_control_number=v["line_control_number"],
            procedure_code=code,
            modifiers=modifiers,
            units=units,
            charge=charge,
            service_from=start,
            service_to=end,
            source_line=line,
        )


def _picker(indices: Sequence[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    getter = itemgetter(*indices)
    return getter if len(indices) > 1 else (lambda row: (getter(row),))
