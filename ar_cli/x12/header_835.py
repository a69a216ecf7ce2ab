"""The parts of an 835 transaction around the claims: the header (BPR, TRN, DTM*405 and
the payer and payee loops 1000A/1000B) built into a RemittanceHeader, and the
provider-level adjustments (PLB) built into ProviderAdjustment values.
"""

from __future__ import annotations

from datetime import date

from ar_cli.domain.field_limits import PAYER_TRACE_ID, TRACE_NUMBER, too_long
from ar_cli.domain.remittance.advice import ProviderAdjustment, RemittanceHeader
from ar_cli.x12.context import Context
from ar_cli.x12.errors import X12Error
from ar_cli.x12.segments import split_composite
from ar_cli.x12.values import cents, quote, to_date

# REF qualifiers in the payer loop that identify the payer (additional payer ids).
_PAYER_REFERENCES = frozenset({"2U", "EO", "HI", "NF"})


def _padded(elements: list[str], size: int) -> list[str]:
    return elements + [""] * (size - len(elements)) if len(elements) < size else elements


class HeaderBuilder:
    """Collects the header segments of one transaction, from ST to the first LX/CLP."""

    __slots__ = (
        "control_number",
        "ctx",
        "party",
        "payee_name",
        "payee_npi",
        "payee_reference_tax_id",
        "payee_tax_id",
        "payer_additional_id",
        "payer_id",
        "payer_id_qualifier",
        "payer_ids",
        "payer_name",
        "payment",
        "production_date",
        "segment",
        "trace",
        "version",
    )  # fmt: skip

    def __init__(self, ctx: Context, segment: int, control_number: str, version: str) -> None:
        self.ctx = ctx
        self.segment = segment
        self.control_number = control_number
        self.version = version
        self.payment: tuple[str, int, str, str, str, int] | None = None
        self.trace: tuple[str, str, str] | None = None
        self.production_date: date | None = None
        self.party = ""  # which N1 loop the REF/N3/N4/PER that follow belong to
        self.payer_name = self.payer_id_qualifier = self.payer_id = self.payer_additional_id = ""
        self.payer_ids: list[str] = []
        self.payee_name = self.payee_npi = self.payee_tax_id = self.payee_reference_tax_id = ""

    def add(self, tag: str, elements: list[str], segment: int) -> None:
        """One header segment; tags the header does not use are ignored."""
        if tag == "BPR":
            if self.payment is None:
                self._payment(_padded(elements, 17), segment)
        elif tag == "TRN":
            if self.trace is None:
                padded = _padded(elements, 5)
                for index, limit in ((2, TRACE_NUMBER), (3, PAYER_TRACE_ID)):
                    problem = too_long(padded[index], limit)  # as the ledger's column on both databases
                    if problem:
                        raise X12Error(self.ctx.source, segment, f"TRN0{index}", problem)
                self.trace = (padded[2], padded[3], padded[4])
                if padded[3]:
                    self._payer_id(padded[3])
        elif tag == "DTM":
            padded = _padded(elements, 3)
            if padded[1] == "405":
                self.production_date = to_date(padded[2])
        elif tag == "N1":
            self._party(_padded(elements, 5))
        elif tag == "REF":
            padded = _padded(elements, 3)
            if self.party == "PR" and padded[1] in _PAYER_REFERENCES and padded[2]:
                if padded[1] == "2U" and not self.payer_additional_id:
                    self.payer_additional_id = padded[2]
                self._payer_id(padded[2])
            elif self.party == "PE" and padded[1] == "TJ" and not self.payee_reference_tax_id:
                self.payee_reference_tax_id = padded[2]

    def _payment(self, e: list[str], segment: int) -> None:
        source = self.ctx.source
        amount = cents(e[2], source, segment, "BPR02")
        if amount < 0:
            self.ctx.warn(segment, "BPR02", "the payment amount is negative (it never should be)")
        if len(e[16]) > 8:
            # BPR16 is DT 8/8 and part of the remittance's key: text longer than a date is
            # damage, not a date to tolerate (the ledger keeps it in 8 characters).
            raise X12Error(source, segment, "BPR16", f"is {len(e[16])} characters; a date is 8 (CCYYMMDD)")
        if not e[16]:
            self.ctx.warn(segment, "BPR16", "missing payment date")
        elif to_date(e[16]) is None:
            self.ctx.warn(segment, "BPR16", f"{quote(e[16])} is not a date (expected CCYYMMDD)")
        self.payment = (e[1], amount, e[3], e[4], e[16], segment)

    def _party(self, e: list[str]) -> None:
        self.party = e[1]
        if e[1] == "PR" and not self.payer_name:
            self.payer_name = e[2]
            self.payer_id_qualifier, self.payer_id = e[3], e[4]
            if e[4]:
                self._payer_id(e[4])
        elif e[1] == "PE" and not self.payee_name:
            self.payee_name = e[2]
            if e[3] == "XX":
                self.payee_npi = e[4]
            elif e[3] == "FI":
                self.payee_tax_id = e[4]

    def _payer_id(self, value: str) -> None:
        if value not in self.payer_ids:
            self.payer_ids.append(value)

    def build(self, segment: int) -> RemittanceHeader:
        """The header, once the first claim (or PLB, or SE) at `segment` ends it."""
        if self.payment is None:
            raise X12Error(self.ctx.source, segment, "BPR", "the remittance has no payment (BPR) before its claims")
        handling, amount, credit_debit, method, date_text, _ = self.payment
        if self.trace is None:
            self.ctx.warn(segment, "TRN", "the remittance has no trace number (TRN)")
        if not self.payer_name:
            self.ctx.warn(segment, "N1", "the remittance names no payer (N1*PR)")
        trace_number, payer_identifier, originating = self.trace or ("", "", "")
        return RemittanceHeader(
            control_number=self.control_number,
            version=self.version,
            handling_code=handling,
            payment_amount=amount,
            credit_debit=credit_debit,
            payment_method=method,
            payment_date=to_date(date_text),
            payment_date_text=date_text,
            trace_number=trace_number,
            payer_identifier=payer_identifier,
            originating_company_code=originating,
            production_date=self.production_date,
            payer_name=self.payer_name,
            payer_id_qualifier=self.payer_id_qualifier,
            payer_id=self.payer_id,
            payer_additional_id=self.payer_additional_id,
            payer_ids=tuple(self.payer_ids),
            payee_name=self.payee_name,
            payee_npi=self.payee_npi,
            payee_tax_id=self.payee_tax_id or self.payee_reference_tax_id,
            segment=self.segment,
        )


def provider_adjustments(elements: list[str], segment: int, ctx: Context) -> list[ProviderAdjustment]:
    """The reason/amount pairs of one PLB (up to six), in order."""
    padded = _padded(elements, 3)
    if not padded[1]:
        raise X12Error(ctx.source, segment, "PLB01", "missing provider identifier")
    fiscal_period = to_date(padded[2])
    if fiscal_period is None and padded[2]:
        ctx.warn(segment, "PLB02", f"{quote(padded[2])} is not a date (expected CCYYMMDD)")
    found: list[ProviderAdjustment] = []
    count = len(elements)
    for index in range(3, count, 2):
        reason = elements[index]
        amount = elements[index + 1] if index + 1 < count else ""
        if not reason and not amount:
            continue
        if not reason:
            raise X12Error(ctx.source, segment, f"PLB{index:02d}", "missing adjustment reason code")
        parts = split_composite(reason, ctx.component)
        found.append(
            ProviderAdjustment(
                provider_id=padded[1],
                fiscal_period_date=fiscal_period,
                reason_code=parts[0],
                reference=parts[1] if len(parts) > 1 else "",
                amount=cents(amount, ctx.source, segment, f"PLB{index + 1:02d}"),
                segment=segment,
            )
        )
    if not found:
        raise X12Error(ctx.source, segment, "PLB03", "missing adjustment reason code")
    return found
