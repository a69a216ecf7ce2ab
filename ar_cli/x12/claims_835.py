"""The claim payment loop of an 835 (loops 2100 and 2110: CLP and what follows it up to
the next CLP, LX, PLB or SE) built into ClaimPayment values.

One ClaimBuilder per CLP. The remittance reader hands it the batch of raw segments and
it reads the whole loop itself (consume), because this is the hot path: a 100,000-claim
file sends well over a million segments through here. Hence lists instead of objects
for the claim and line being collected, memoised amounts and dates, and the twin
constructors of fast_values.
"""

from __future__ import annotations

from typing import Any

from ar_cli.domain.field_limits import CLAIM_NUMBER, PAYER_CLAIM_NUMBER, too_long
from ar_cli.domain.remittance.advice import (
    Adjustment,
    AdjustmentGroup,
    ClaimPayment,
    Person,
    ServiceLine,
    SupplementalAmount,
)
from ar_cli.x12.context import Context
from ar_cli.x12.errors import X12Error
from ar_cli.x12.fast_values import (
    AdjustmentDraft,
    ClaimPaymentDraft,
    ServiceLineDraft,
    SupplementalAmountDraft,
    new_person,
    new_reference,
)
from ar_cli.x12.values import CENTS, DATES, parse_cents

_GROUPS = {group.value: group for group in AdjustmentGroup}
# CAS02/05/…: a claim adjustment reason code is AN 1/5 in X12. A longer one is damage, and
# the ledger's column (10) would refuse it on PostgreSQL as an internal error.
MAX_REASON_CODE = 5
# Segments that end a claim payment loop: the next claim, LX/TS3/TS2, PLB, SE, envelope,
# and the header's own segments (BPR, TRN, an N1 loop) misplaced after the claims: they
# belong to no claim, and the reader warns about them.
ENDS_CLAIM = frozenset({"CLP", "LX", "TS3", "TS2", "PLB", "SE", "ST", "GS", "GE", "IEA", "ISA", "N1", "BPR", "TRN"})
NOT_A_SEGMENT = "not a segment (it does not start with a segment tag)"
_CLAIM_STATUSES = frozenset({"1", "2", "3", "4", "5", "19", "20", "21", "22", "23", "25"})
_REQUIRED_CLP = {1: "missing claim number", 2: "missing claim status"}
# (SVC02 empty, SVC03 empty) → the line's missing_amounts.
_MISSING_AMOUNTS = {
    (False, False): (),
    (True, False): ("SVC02",),
    (False, True): ("SVC03",),
    (True, True): ("SVC02", "SVC03"),
}

# The claim and the line being collected are lists in ClaimPayment's / ServiceLine's
# field order (cheaper than an object each); these name the positions written later.
_PATIENT, _INSURED, _CORRECTED, _ORIGINAL_REF, _CLAIM_REFS = 9, 10, 11, 12, 13
_STATEMENT_FROM, _STATEMENT_TO, _RECEIVED = 14, 15, 16
_CLAIM_REMARKS, _CLAIM_AMOUNTS, _CLAIM_ADJUSTMENTS, _LINES = 17, 18, 19, 20
_FROM, _TO, _CONTROL, _REFS, _REMARKS, _AMOUNTS, _ADJUSTMENTS = 11, 12, 13, 14, 15, 16, 17
_Draft = list[Any]  # one of those lists: the values of the fields, of their several types


def _person(elements: list[str]) -> Person:
    if len(elements) < 10:
        elements = elements + [""] * (10 - len(elements))
    return new_person(elements[3], elements[4], elements[5], elements[8], elements[9])


def _is_tag(tag: str) -> bool:
    return 2 <= len(tag) <= 3 and tag.isalnum() and tag.isascii() and tag.isupper()


class ClaimBuilder:
    """Collects one claim payment loop; build() makes the ClaimPayment."""

    __slots__ = ("claim", "ctx", "ending", "line")

    def __init__(self, elements: list[str], segment: int, ctx: Context) -> None:
        self.ctx = ctx
        count = len(elements)
        if count < 5 or not (elements[1] and elements[2] and elements[3] and elements[4]):
            index = next(i for i in (1, 2, 3, 4) if i >= count or not elements[i])
            raise X12Error(ctx.source, segment, f"CLP0{index}", _REQUIRED_CLP.get(index, "missing; expected an amount"))
        if count < 10:
            elements.extend(("",) * (10 - count))
        for index, limit in ((1, CLAIM_NUMBER), (7, PAYER_CLAIM_NUMBER)):
            problem = too_long(elements[index], limit)  # as the ledger's column on both databases
            if problem:
                raise X12Error(ctx.source, segment, f"CLP0{index}", problem)
        if elements[2] not in _CLAIM_STATUSES:
            shown = repr(elements[2]) if elements[2].isalnum() and len(elements[2]) <= 3 else "the value"
            ctx.warn(segment, "CLP02", f"{shown} is not a known claim status")
        charge, paid, patient = CENTS.get(elements[3]), CENTS.get(elements[4]), CENTS.get(elements[5])
        if charge is None:
            charge = parse_cents(elements[3], ctx.source, segment, "CLP03")
        if paid is None:
            paid = parse_cents(elements[4], ctx.source, segment, "CLP04")
        if patient is None:
            patient = parse_cents(elements[5], ctx.source, segment, "CLP05", empty_is_zero=True)
        self.claim: _Draft = [
            elements[1], elements[2], charge, paid, patient, elements[6], elements[7], elements[8], elements[9],
            None, None, None, "", None, None, None, None, None, None, [], [], segment,
        ]  # fmt: skip
        self.line: _Draft | None = None
        self.ending: list[str] = []  # the split segment that ended the loop

    def consume(self, segments: list[str], index: int, separator: str, first: int) -> int:
        """Read the loop's segments from segments[index] on, where segments[i] is segment
        number first + i. Returns the index of the first segment that ends the loop
        (its elements are left in self.ending), or len(segments) when the batch ends
        inside the loop. The commonest segments are handled inline rather than by a
        method call each: nearly every segment of a large remittance passes here.
        """
        ctx, claim, line = self.ctx, self.claim, self.line
        cents_of, dates_of = CENTS.get, DATES.get
        count = len(segments)
        while index < count:
            elements = segments[index].split(separator)
            tag = elements[0]
            size = len(elements)
            if tag == "DTM":
                value = dates_of(elements[2]) if size > 2 else None
                if value is None:
                    value = ctx.date(elements, first + index)
                qualifier = elements[1] if size > 1 else ""
                if line is None:
                    if qualifier == "232":
                        claim[_STATEMENT_FROM] = value
                    elif qualifier == "233":
                        claim[_STATEMENT_TO] = value
                    elif qualifier == "050":
                        claim[_RECEIVED] = value
                elif qualifier == "472":
                    line[_FROM] = line[_TO] = value
                elif qualifier == "150":
                    line[_FROM] = value
                elif qualifier == "151":
                    line[_TO] = value
            elif tag == "CAS":
                group = _GROUPS.get(elements[1]) if size == 4 and 0 < len(elements[2]) <= MAX_REASON_CODE else None
                amount = cents_of(elements[3]) if group is not None else None
                if amount is None:
                    self.adjustment(elements, first + index)
                else:  # the usual CAS: one triplet, no quantity ('CAS*CO*45*9.00')
                    value = AdjustmentDraft(group, elements[1], elements[2], amount, None, first + index)
                    value.__class__ = Adjustment  # see fast_values
                    (claim[_CLAIM_ADJUSTMENTS] if line is None else line[_ADJUSTMENTS]).append(value)
            elif tag == "SVC":
                line = self.service(elements, first + index)
            elif tag == "REF":
                if line is not None and size > 2 and elements[1] == "6R" and not line[_CONTROL]:
                    line[_CONTROL] = elements[2]
                else:
                    self.reference(elements)
            elif tag == "AMT":
                amount = cents_of(elements[2]) if size > 2 and line is not None else None
                if amount is None or line is None:
                    self.supplemental_amount(elements, first + index)
                else:
                    value = SupplementalAmountDraft(elements[1], amount)
                    value.__class__ = SupplementalAmount  # see fast_values
                    if line[_AMOUNTS] is None:
                        line[_AMOUNTS] = [value]
                    else:
                        line[_AMOUNTS].append(value)
            elif tag == "NM1":
                role = elements[1] if size > 1 else ""
                if role == "QC":
                    claim[_PATIENT] = _person(elements)
                elif role == "IL":
                    claim[_INSURED] = _person(elements)
                elif role == "74":
                    claim[_CORRECTED] = _person(elements)
            elif tag == "LQ":
                self.remark(elements)
            elif tag == "MOA" or tag == "MIA":
                self.adjudication(elements)
            elif tag in ENDS_CLAIM:
                self.ending = elements
                return index
            elif not _is_tag(tag):
                raise X12Error(ctx.source, first + index, "?", NOT_A_SEGMENT)
            index += 1  # and past QTY, PER, … that posting does not use
        return index

    def service(self, elements: list[str], segment: int) -> _Draft:
        """SVC: a new service line (the previous one, if any, is complete)."""
        if self.line is not None:
            self.claim[_LINES].append(_build_line(self.line))
        ctx = self.ctx
        count = len(elements)
        if count < 8:
            elements.extend(("",) * (8 - count))
        procedure = ctx.procedures.get(elements[1])
        if procedure is not None and not procedure[3]:
            qualifier, code, modifiers, _ = procedure
        elif elements[1]:
            qualifier, code, modifiers = ctx.procedure(elements[1], segment, "SVC01")
        else:
            ctx.warn(segment, "SVC01", "missing procedure code")
            qualifier, code, modifiers = "", "", ()
        original = ctx.procedure(elements[6], segment, "SVC06") if elements[6] else ("", "", ())
        # SVC02 and SVC03 are required. An empty one reads as 0 but is named in the
        # line's missing_amounts, so posting holds the claim payment instead of taking
        # $0.00 as the payer's word (BCBS NC sends a bundled line with neither).
        charge = CENTS.get(elements[2])
        if charge is None:
            charge = parse_cents(elements[2], ctx.source, segment, "SVC02", empty_is_zero=True)
        paid = CENTS.get(elements[3])
        if paid is None:
            paid = parse_cents(elements[3], ctx.source, segment, "SVC03", empty_is_zero=True)
        missing = _MISSING_AMOUNTS[(not elements[2], not elements[3])]
        self.line = [
            qualifier, code, modifiers, original[0], original[1], original[2], charge, paid,
            elements[4], elements[5] or None, elements[7] or None, None, None, "", None, None, None,
            [], segment, missing,
        ]  # fmt: skip
        return self.line

    def adjustment(self, elements: list[str], segment: int) -> None:
        """CAS: up to six reason/amount/quantity triplets of one group."""
        count = len(elements)
        code = elements[1] if count > 1 else ""
        group = _GROUPS.get(code) or self.ctx.group(code, segment)
        target = self.line[_ADJUSTMENTS] if self.line is not None else self.claim[_CLAIM_ADJUSTMENTS]
        for index in range(2, count, 3):
            reason = elements[index]
            amount = elements[index + 1] if index + 1 < count else ""
            quantity = elements[index + 2] if index + 2 < count else ""
            if not reason:
                if amount or quantity:
                    raise X12Error(self.ctx.source, segment, f"CAS{index:02d}", "missing adjustment reason code")
                continue
            if len(reason) > MAX_REASON_CODE:
                raise X12Error(
                    self.ctx.source,
                    segment,
                    f"CAS{index:02d}",
                    f"adjustment reason code is longer than {MAX_REASON_CODE} characters",
                )
            cents = CENTS.get(amount)
            if cents is None:
                cents = parse_cents(amount, self.ctx.source, segment, f"CAS{index + 1:02d}")
            value = AdjustmentDraft(group, code, reason, cents, quantity or None, segment)
            value.__class__ = Adjustment  # see fast_values
            target.append(value)

    def reference(self, elements: list[str]) -> None:
        """REF: the line control number (6R), the original reference (F8), or another id."""
        qualifier = elements[1] if len(elements) > 1 else ""
        value = elements[2] if len(elements) > 2 else ""
        line, claim = self.line, self.claim
        if line is not None:
            if qualifier == "6R" and not line[_CONTROL]:
                line[_CONTROL] = value
            elif line[_REFS] is None:
                line[_REFS] = [new_reference(qualifier, value)]
            else:
                line[_REFS].append(new_reference(qualifier, value))
        elif qualifier == "F8" and not claim[_ORIGINAL_REF]:
            claim[_ORIGINAL_REF] = value
        elif claim[_CLAIM_REFS] is None:
            claim[_CLAIM_REFS] = [new_reference(qualifier, value)]
        else:
            claim[_CLAIM_REFS].append(new_reference(qualifier, value))

    def supplemental_amount(self, elements: list[str], segment: int) -> None:
        """AMT: an informational amount of the line, or of the claim before any line."""
        text = elements[2] if len(elements) > 2 else ""
        amount = CENTS.get(text)
        if amount is None:
            amount = parse_cents(text, self.ctx.source, segment, "AMT02")
        value = SupplementalAmountDraft(elements[1], amount)
        value.__class__ = SupplementalAmount  # see fast_values
        target, at = (self.claim, _CLAIM_AMOUNTS) if self.line is None else (self.line, _AMOUNTS)
        if target[at] is None:
            target[at] = [value]
        else:
            target[at].append(value)

    def remark(self, elements: list[str]) -> None:
        """LQ: a line's remark code (LQ*HE); other code lists (RX) are not RARCs."""
        line = self.line
        if line is not None and len(elements) > 2 and elements[1] == "HE" and elements[2]:
            if line[_REMARKS] is None:
                line[_REMARKS] = [elements[2]]
            else:
                line[_REMARKS].append(elements[2])

    def adjudication(self, elements: list[str]) -> None:
        """MOA (remark codes in MOA03-07) or MIA (MIA05, MIA20-23)."""
        codes = elements[3:8] if elements[0] == "MOA" else elements[5:6] + elements[20:24]
        found = [code for code in codes if code]
        if found:
            self.claim[_CLAIM_REMARKS] = (self.claim[_CLAIM_REMARKS] or []) + found

    def build(self) -> ClaimPayment:
        claim = self.claim
        if self.line is not None:
            claim[_LINES].append(_build_line(self.line))
            self.line = None
        for at in (_CLAIM_REFS, _CLAIM_REMARKS, _CLAIM_AMOUNTS):
            claim[at] = tuple(claim[at]) if claim[at] else ()
        claim[_CLAIM_ADJUSTMENTS] = tuple(claim[_CLAIM_ADJUSTMENTS])
        claim[_LINES] = tuple(claim[_LINES])
        value = ClaimPaymentDraft(*claim)
        value.__class__ = ClaimPayment  # see fast_values
        return value  # type: ignore[no-any-return]  # retagged just above (no cast: hot path)


def _build_line(line: _Draft) -> ServiceLine:
    for at in (_REFS, _REMARKS, _AMOUNTS):
        line[at] = tuple(line[at]) if line[at] else ()
    line[_ADJUSTMENTS] = tuple(line[_ADJUSTMENTS])
    value = ServiceLineDraft(*line)
    value.__class__ = ServiceLine  # see fast_values
    return value  # type: ignore[no-any-return]  # retagged just above (no cast: hot path)
