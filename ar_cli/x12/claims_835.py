"""The claim payment loop of an 835 (loops 2100 and 2110: CLP and what follows it up to
the next CLP, LX, PLB or SE) built into ClaimPayment values.

One ClaimBuilder per CLP; the remittance reader feeds it the loop's segments, already
split into elements, and calls build() when the loop ends. Kept separate from the
envelope logic because this is the hot path: a 100,000-claim file sends about a million
segments through these methods, so they use slots, dict look-ups and memoised amounts.
"""

from __future__ import annotations

from datetime import date

from ar_cli.domain.errors import Problem
from ar_cli.domain.remittance import (
    Adjustment,
    AdjustmentGroup,
    ClaimPayment,
    Person,
    Reference,
    ServiceLine,
    SupplementalAmount,
)
from ar_cli.x12.errors import X12Error, problem
from ar_cli.x12.segments import split_composite
from ar_cli.x12.values import CENTS, parse_cents, to_date

_GROUPS = {group.value: group for group in AdjustmentGroup}
_CLAIM_STATUSES = frozenset({"1", "2", "3", "4", "5", "19", "20", "21", "22", "23", "25"})
_REQUIRED_CLP = {1: "missing claim number", 2: "missing claim status"}
_CACHE_LIMIT = 50_000


class Context:
    """What the builders of one transaction share: where we are, how composites are
    written, the version, and the list warnings go to."""

    __slots__ = ("source", "component", "is_4010", "warnings", "reported", "procedures")

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
                note = "" if self.component in text else "uses another component separator than ISA16"
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


def _person(elements: list[str]) -> Person:
    if len(elements) < 10:
        elements = elements + [""] * (10 - len(elements))
    return Person(
        last_name=elements[3],
        first_name=elements[4],
        middle_name=elements[5],
        id_qualifier=elements[8],
        identifier=elements[9],
    )


class ClaimBuilder:
    """Collects one claim payment loop; build() makes the ClaimPayment."""

    __slots__ = (
        "ctx", "segment", "claim_number", "status_code", "charge", "paid", "patient_responsibility",
        "filing_indicator", "payer_claim_number", "facility_code", "frequency_code",
        "patient", "insured", "corrected_patient", "original_reference", "references",
        "statement_from", "statement_to", "received_date", "remark_codes", "amounts",
        "adjustments", "lines", "line",
    )  # fmt: skip

    def __init__(self, elements: list[str], segment: int, ctx: Context) -> None:
        self.ctx = ctx
        self.segment = segment
        count = len(elements)
        for index in (1, 2, 3, 4):
            if index >= count or not elements[index]:
                message = _REQUIRED_CLP.get(index, "missing; expected an amount")
                raise X12Error(ctx.source, segment, f"CLP0{index}", message)
        if count < 10:
            elements = elements + [""] * (10 - count)
        self.claim_number = elements[1]
        self.status_code = elements[2]
        if self.status_code not in _CLAIM_STATUSES:
            shown = repr(self.status_code) if self.status_code.isalnum() and len(self.status_code) <= 3 else "the value"
            ctx.warn(segment, "CLP02", f"{shown} is not a known claim status")
        self.charge = ctx.amount(elements[3], segment, "CLP03")
        self.paid = ctx.amount(elements[4], segment, "CLP04")
        self.patient_responsibility = ctx.amount(elements[5], segment, "CLP05", True)
        self.filing_indicator = elements[6]
        self.payer_claim_number = elements[7]
        self.facility_code = elements[8]
        self.frequency_code = elements[9]
        self.patient = self.insured = self.corrected_patient = None
        self.original_reference = ""
        self.references: list[Reference] = []
        self.statement_from = self.statement_to = self.received_date = None
        self.remark_codes: list[str] = []
        self.amounts: list[SupplementalAmount] = []
        self.adjustments: list[Adjustment] = []
        self.lines: list[ServiceLine] = []
        self.line: _Line | None = None

    # Segments of the loop, most frequent first in the reader's dispatch.

    def service(self, elements: list[str], segment: int) -> None:
        if self.line is not None:
            self.lines.append(self.line.build())
        self.line = _Line(elements, segment, self.ctx)

    def adjustment(self, elements: list[str], segment: int) -> None:
        ctx = self.ctx
        code = elements[1] if len(elements) > 1 else ""
        group = _GROUPS.get(code) or ctx.group(code, segment)
        target = self.line.adjustments if self.line is not None else self.adjustments
        count = len(elements)
        for index in range(2, count, 3):
            reason = elements[index]
            amount = elements[index + 1] if index + 1 < count else ""
            quantity = elements[index + 2] if index + 2 < count else ""
            if not reason:
                if amount or quantity:
                    raise X12Error(ctx.source, segment, f"CAS{index:02d}", "missing adjustment reason code")
                continue
            cents = CENTS.get(amount)
            if cents is None:
                cents = parse_cents(amount, ctx.source, segment, f"CAS{index + 1:02d}")
            target.append(
                Adjustment(
                    group=group,
                    group_as_sent=code,
                    reason_code=reason,
                    amount=cents,
                    quantity=quantity or None,
                    segment=segment,
                )
            )

    def date(self, elements: list[str], segment: int) -> None:
        qualifier = elements[1] if len(elements) > 1 else ""
        line = self.line
        if line is not None:
            if qualifier == "472":
                line.date_from = line.date_to = self.ctx.date(elements, segment)
            elif qualifier == "150":
                line.date_from = self.ctx.date(elements, segment)
            elif qualifier == "151":
                line.date_to = self.ctx.date(elements, segment)
        elif qualifier == "232":
            self.statement_from = self.ctx.date(elements, segment)
        elif qualifier == "233":
            self.statement_to = self.ctx.date(elements, segment)
        elif qualifier == "050":
            self.received_date = self.ctx.date(elements, segment)

    def reference(self, elements: list[str], segment: int) -> None:
        qualifier = elements[1] if len(elements) > 1 else ""
        value = elements[2] if len(elements) > 2 else ""
        line = self.line
        if line is not None:
            if qualifier == "6R" and not line.control_number:
                line.control_number = value
            else:
                line.references.append(Reference(qualifier=qualifier, value=value))
        elif qualifier == "F8" and not self.original_reference:
            self.original_reference = value
        else:
            self.references.append(Reference(qualifier=qualifier, value=value))

    def supplemental_amount(self, elements: list[str], segment: int) -> None:
        qualifier = elements[1] if len(elements) > 1 else ""
        amount = self.ctx.amount(elements[2] if len(elements) > 2 else "", segment, "AMT02")
        target = self.line.amounts if self.line is not None else self.amounts
        target.append(SupplementalAmount(qualifier=qualifier, amount=amount))

    def name(self, elements: list[str], segment: int) -> None:
        role = elements[1] if len(elements) > 1 else ""
        if role == "QC":
            self.patient = _person(elements)
        elif role == "IL":
            self.insured = _person(elements)
        elif role == "74":
            self.corrected_patient = _person(elements)

    def remark(self, elements: list[str], segment: int) -> None:
        """LQ: a line's remark code (LQ*HE); other code lists (RX) are not RARCs."""
        if self.line is not None and len(elements) > 2 and elements[1] == "HE" and elements[2]:
            self.line.remark_codes.append(elements[2])

    def adjudication(self, elements: list[str], segment: int) -> None:
        """MOA (remark codes in MOA03-07) or MIA (MIA05, MIA20-23)."""
        if elements[0] == "MOA":
            codes = elements[3:8]
        else:
            codes = elements[5:6] + elements[20:24]
        self.remark_codes.extend(code for code in codes if code)

    def build(self) -> ClaimPayment:
        if self.line is not None:
            self.lines.append(self.line.build())
            self.line = None
        return ClaimPayment(
            claim_number=self.claim_number,
            status_code=self.status_code,
            charge=self.charge,
            paid=self.paid,
            patient_responsibility=self.patient_responsibility,
            filing_indicator=self.filing_indicator,
            payer_claim_number=self.payer_claim_number,
            facility_code=self.facility_code,
            frequency_code=self.frequency_code,
            patient=self.patient,
            insured=self.insured,
            corrected_patient=self.corrected_patient,
            original_reference=self.original_reference,
            references=tuple(self.references),
            statement_from=self.statement_from,
            statement_to=self.statement_to,
            received_date=self.received_date,
            remark_codes=tuple(self.remark_codes),
            amounts=tuple(self.amounts),
            adjustments=tuple(self.adjustments),
            lines=tuple(self.lines),
            segment=self.segment,
        )


class _Line:
    """One service line being collected (SVC and the segments after it)."""

    __slots__ = (
        "segment", "qualifier", "code", "modifiers", "original_qualifier", "original_code",
        "original_modifiers", "charge", "paid", "revenue_code", "units_paid", "original_units",
        "date_from", "date_to", "control_number", "references", "remark_codes", "amounts",
        "adjustments",
    )  # fmt: skip

    def __init__(self, elements: list[str], segment: int, ctx: Context) -> None:
        if len(elements) < 8:
            elements = elements + [""] * (8 - len(elements))
        self.segment = segment
        if elements[1]:
            self.qualifier, self.code, self.modifiers = ctx.procedure(elements[1], segment, "SVC01")
        else:
            ctx.warn(segment, "SVC01", "missing procedure code")
            self.qualifier, self.code, self.modifiers = "", "", ()
        if elements[6]:
            self.original_qualifier, self.original_code, self.original_modifiers = ctx.procedure(
                elements[6], segment, "SVC06"
            )
        else:
            self.original_qualifier, self.original_code, self.original_modifiers = "", "", ()
        # Empty SVC02/SVC03 count as 0 (BCBS NC sends a bundled line with neither).
        charge = CENTS.get(elements[2])
        self.charge = charge if charge is not None else ctx.amount(elements[2], segment, "SVC02", True)
        paid = CENTS.get(elements[3])
        self.paid = paid if paid is not None else ctx.amount(elements[3], segment, "SVC03", True)
        self.revenue_code = elements[4]
        self.units_paid = elements[5] or None
        self.original_units = elements[7] or None
        self.date_from = self.date_to = None
        self.control_number = ""
        self.references: list[Reference] = []
        self.remark_codes: list[str] = []
        self.amounts: list[SupplementalAmount] = []
        self.adjustments: list[Adjustment] = []

    def build(self) -> ServiceLine:
        return ServiceLine(
            procedure_qualifier=self.qualifier,
            procedure_code=self.code,
            modifiers=self.modifiers,
            original_procedure_qualifier=self.original_qualifier,
            original_procedure_code=self.original_code,
            original_modifiers=self.original_modifiers,
            charge=self.charge,
            paid=self.paid,
            revenue_code=self.revenue_code,
            units_paid=self.units_paid,
            original_units=self.original_units,
            service_date_from=self.date_from,
            service_date_to=self.date_to,
            line_control_number=self.control_number,
            references=tuple(self.references),
            remark_codes=tuple(self.remark_codes),
            amounts=tuple(self.amounts),
            adjustments=tuple(self.adjustments),
            segment=self.segment,
        )
