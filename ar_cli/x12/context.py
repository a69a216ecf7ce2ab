"""What the builders of one 835 transaction share (Context): the file name for
messages, how composites are written (ISA16), the version, and the list warnings go
to, with the parsing helpers that need them: procedure composites, amounts, dates and
adjustment groups.
"""

from __future__ import annotations

from datetime import date

from ar_cli.domain.errors import Problem
from ar_cli.domain.remittance.advice import AdjustmentGroup
from ar_cli.x12.errors import X12Error, problem
from ar_cli.x12.segments import split_composite
from ar_cli.x12.values import CENTS, DATES, parse_cents, to_date

_CACHE_LIMIT = 50_000


class Context:
    """What the builders of one transaction share: where we are, how composites are
    written, the version, and the list warnings go to."""

    __slots__ = ("component", "is_4010", "procedures", "reported", "source", "warnings")

    def __init__(self, source: str, component: str, is_4010: bool, warnings: list[Problem]) -> None:
        self.source = source
        self.component = component
        self.is_4010 = is_4010
        self.warnings = warnings
        self.reported: set[tuple[str, str]] = set()
        # SVC01 texts repeat ('HC:99213'); remember how each one splits.
        self.procedures: dict[str, tuple[str, str, tuple[str, ...], str]] = {}

    def procedure(self, text: str, segment: int, element: str) -> tuple[str, str, tuple[str, ...]]:
        """(qualifier, code, modifiers) from an SVC01/SVC06 composite."""
        parsed = self.procedures.get(text)
        if parsed is None:
            parts = split_composite(text, self.component)
            if len(parts) == 1:
                # No separator at all: a code without its qualifier (the malformed
                # TR3 tertiary example writes 'SVC*HC*24599…'): keep it as the code.
                parsed = ("", text, (), "has no code qualifier (expected e.g. 'HC:99213')")
            else:
                note = (
                    ""
                    if self.component in text
                    else f"components separated by {text[2]!r}, not the declared {self.component!r}"
                )
                parsed = (parts[0], parts[1], tuple(m for m in parts[2:6] if m), note)
            if len(self.procedures) >= _CACHE_LIMIT:
                self.procedures.clear()
            self.procedures[text] = parsed
        if parsed[3]:
            self.warn(segment, element, parsed[3])
        return parsed[0], parsed[1], parsed[2]

    def warn(self, segment: int, element: str, message: str) -> None:
        """Record a warning, once per kind per transaction: a payer that writes every
        line the same odd way should produce one line of warning, not 100,000."""
        if (element, message) not in self.reported:
            self.reported.add((element, message))
            self.warnings.append(problem(self.source, segment, element, message))

    def amount(self, text: str, segment: int, element: str, empty_is_zero: bool = False) -> int:
        value = CENTS.get(text)
        if value is None:
            value = parse_cents(text, self.source, segment, element, empty_is_zero=empty_is_zero)
        return value

    def date(self, elements: list[str], segment: int) -> date | None:
        text = elements[2] if len(elements) > 2 else ""
        value = DATES.get(text)
        if value is None:
            value = to_date(text)
        if value is None and text:
            # The date itself is PHI (a date of service): say what is wrong, not what it is.
            self.warn(segment, "DTM02", "not a valid date (expected CCYYMMDD)")
        return value

    def group(self, code: str, segment: int) -> AdjustmentGroup:
        """CAS01 for a code not in CO/PR/OA/PI: CR is read as CO, anything else refused."""
        if code == "CR":
            if not self.is_4010:
                self.warn(segment, "CAS01", "group CR is 4010-only; read as CO")
            return AdjustmentGroup.CONTRACTUAL_OBLIGATION
        shown = repr(code) if code.isalnum() and len(code) <= 3 else "the value"
        message = "missing adjustment group" if not code else f"{shown} is not an adjustment group (CO, PR, OA, PI)"
        raise X12Error(self.source, segment, "CAS01", message)
