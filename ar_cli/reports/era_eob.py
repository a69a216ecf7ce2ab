"""A remittance read as a paper EOB (`ar-cli era show`): nothing is posted.

`eob_tree` turns the reader's Remittance values into one nested value — per
transaction the payment, payer and payee, each claim with its lines, adjustments (with
what the treatment table will do with each), remark codes, the provider-level
adjustments and the balancing check — that the CLI renders as Rich tables or JSON.
`eob_adjustments` flattens the same facts to one row per adjustment for CSV.

Money in the tree is `Money` (integer cents, marked so renderers print two decimals);
dates are `date`; ids are strings. PHI (patient and insured names and ids) is masked
here unless the caller asks for it, because the tree is what gets written.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ar_cli.domain.codes.adjustments import CodeKnowledge, CodeSet, effective_treatment
from ar_cli.domain.remittance.advice import Adjustment, ClaimPayment, Person, Remittance, ServiceLine
from ar_cli.reports.output import mask_cell
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services.codes import NOT_LOADED, remarks_for_adjustment

METHODS = {
    "ACH": "EFT (ACH)",
    "CHK": "check",
    "NON": "no payment",
    "FWT": "wire transfer",
    "BOP": "financial institution's option",
}
HANDLING = {
    "C": "payment with remittance",
    "D": "payment only",
    "H": "notification only",
    "I": "remittance only",
    "P": "prenotification of a future transfer",
    "U": "split payment and remittance",
    "X": "handling party's option to split",
}
# Our words for the provider-level (PLB) reasons a practice meets most; others show raw.
PLB_REASONS = {
    "L6": "interest",
    "WO": "overpayment recovery",
    "FB": "forwarding balance",
    "CS": "adjustment",
    "72": "authorized return",
    "J1": "not reimbursable",
    "L3": "penalty",
    "WU": "unspecified recovery",
    "CV": "capital pass-through",
    "IS": "interim settlement",
    "PI": "periodic interim payment",
    "E3": "withholding",
    "50": "late charge",
    "51": "interest penalty charge",
    "TL": "third-party liability",
}


class Money(int):
    """Cents that a renderer shows as money (two decimals), not as a count."""


def eob_tree(
    file_name: str, remittances: Sequence[Remittance], knowledge: CodeKnowledge, *, include_phi: bool
) -> dict[str, Any]:
    """`{"remittances": [...]}`: every transaction in the file, in order."""
    return {"remittances": [_remittance(file_name, r, knowledge, include_phi) for r in remittances]}


def _remittance(file_name: str, r: Remittance, knowledge: CodeKnowledge, phi: bool) -> dict[str, Any]:
    h = r.header
    claim_paid = sum(c.paid for c in r.claims)
    plb_total = sum(p.amount for p in r.provider_adjustments)
    # BPR02 = claim payments − PLB (a positive PLB is money the payer keeps).
    difference = h.payment_amount - (claim_paid - plb_total)
    return {
        "kind": "remittance",
        "file": file_name,
        "control_number": h.control_number,
        "version": h.version,
        "payer": {"name": h.payer_name, "id": h.payer_id or h.payer_identifier, "ids": list(h.payer_ids)},
        "payee": {"name": h.payee_name, "npi": h.payee_npi, "tax_id": h.payee_tax_id},
        "trace_number": h.trace_number,
        "method": h.payment_method,
        "method_name": METHODS.get(h.payment_method, h.payment_method),
        "handling": h.handling_code,
        "handling_name": HANDLING.get(h.handling_code, h.handling_code),
        "credit_debit": h.credit_debit,
        "amount": Money(h.payment_amount),
        "payment_date": h.payment_date,
        "payment_date_text": h.payment_date_text,
        "production_date": h.production_date,
        "claims": [_claim(c, knowledge, phi) for c in r.claims],
        "provider_adjustments": [
            {
                "provider_id": p.provider_id,
                "fiscal_period_date": p.fiscal_period_date,
                "reason_code": p.reason_code,
                "reason": PLB_REASONS.get(p.reason_code, ""),
                "reference": p.reference,
                "amount": Money(p.amount),
            }
            for p in r.provider_adjustments
        ],
        "totals": {
            "claims": len(r.claims),
            "charge": Money(sum(c.charge for c in r.claims)),
            "paid": Money(claim_paid),
            "patient_responsibility": Money(sum(c.patient_responsibility for c in r.claims)),
            "provider_adjustments": Money(plb_total),
        },
        "balancing": {
            "payment": Money(h.payment_amount),
            "claim_payments": Money(claim_paid),
            "provider_adjustments": Money(plb_total),
            "difference": Money(difference),
            "balances": difference == 0,
        },
        "warnings": [str(w) for w in r.warnings],
    }


def _claim(c: ClaimPayment, knowledge: CodeKnowledge, phi: bool) -> dict[str, Any]:
    status = knowledge.explain(c.status_code, CodeSet.CLAIM_STATUS)
    adjusted = sum(a.amount for a in c.adjustments) + sum(a.amount for ln in c.lines for a in ln.adjustments)
    difference = c.charge - c.paid - adjusted
    return {
        "claim_number": c.claim_number,
        "status": c.status_code,
        "status_text": status.text if status else NOT_LOADED,
        "patient_name": _name(c.patient, phi),
        "patient_id": _id(c.patient, phi),
        "corrected_patient_name": _name(c.corrected_patient, phi),
        "insured_name": _name(c.insured, phi),
        "charge": Money(c.charge),
        "paid": Money(c.paid),
        "patient_responsibility": Money(c.patient_responsibility),
        "payer_claim_number": c.payer_claim_number,
        "original_reference": c.original_reference,
        "filing_indicator": c.filing_indicator,
        "facility_code": c.facility_code,
        "frequency_code": c.frequency_code,
        "statement_from": c.statement_from,
        "statement_to": c.statement_to,
        "received_date": c.received_date,
        "remark_codes": _remarks(c.remark_codes, knowledge),
        "adjustments": [_adjustment(a, remarks_for_adjustment(c.remark_codes), knowledge) for a in c.adjustments],
        "lines": [_line(n, ln, c, knowledge) for n, ln in enumerate(c.lines, 1)],
        "amounts": [{"qualifier": a.qualifier, "amount": Money(a.amount)} for a in c.amounts],
        "balancing": {"adjustments": Money(adjusted), "difference": Money(difference), "balances": difference == 0},
    }


def _line(number: int, ln: ServiceLine, claim: ClaimPayment, knowledge: CodeKnowledge) -> dict[str, Any]:
    remarks = remarks_for_adjustment(claim.remark_codes, ln.remark_codes)
    difference = ln.charge - ln.paid - sum(a.amount for a in ln.adjustments)
    return {
        "line": number,
        "procedure_qualifier": ln.procedure_qualifier,
        "procedure": ln.procedure_code,
        "modifiers": list(ln.modifiers),
        "original_procedure": ln.original_procedure_code,
        "original_modifiers": list(ln.original_modifiers),
        "revenue_code": ln.revenue_code,
        "service_from": ln.service_date_from,
        "service_to": ln.service_date_to,
        "charge": Money(ln.charge),
        "paid": Money(ln.paid),
        "units": _quantity(ln.units_paid),
        "original_units": _quantity(ln.original_units),
        "line_control_number": ln.line_control_number,
        "remark_codes": _remarks(ln.remark_codes, knowledge),
        "adjustments": [_adjustment(a, remarks, knowledge) for a in ln.adjustments],
        "amounts": [{"qualifier": a.qualifier, "amount": Money(a.amount)} for a in ln.amounts],
        "balancing": {"difference": Money(difference), "balances": difference == 0},
    }


def _adjustment(a: Adjustment, remarks: Sequence[str], knowledge: CodeKnowledge) -> dict[str, Any]:
    rule = knowledge.lookup(a.group.value, a.reason_code, remarks)
    treatment = effective_treatment(rule, a.amount)
    reason = knowledge.explain(a.reason_code, CodeSet.CARC)
    return {
        "code": f"{a.group.value}-{a.reason_code}",
        "group": a.group.value,
        "group_as_sent": a.group_as_sent,
        "reason_code": a.reason_code,
        "reason": reason.text if reason else NOT_LOADED,
        "amount": Money(a.amount),
        "quantity": _quantity(a.quantity),
        "treatment": treatment.value,
        # A negative amount undoes its treatment and is never a denial: no category then.
        "category": rule.category.value if rule.category and treatment == rule.treatment else None,
        "next_action": rule.next_action,
        "rule": "fallback by group"
        if rule.is_fallback
        else f"{rule.group}-{rule.carc}{' with ' + rule.rarc if rule.rarc else ''} ({rule.origin})",
    }


def _remarks(codes: Sequence[str], knowledge: CodeKnowledge) -> list[dict[str, str]]:
    found = []
    for code in codes:
        explained = knowledge.explain(code, CodeSet.RARC)
        found.append({"code": code, "text": explained.text if explained else NOT_LOADED})
    return found


# The tree's people are masked as the same columns of any report are (reports/output).
_PATIENT_NAME = Column(key="patient_name", title="Patient", phi=True)
_MEMBER_ID = Column(key="member_id", title="Member id", kind=Kind.ID, phi=True)


def _name(person: Person | None, phi: bool) -> str:
    if person is None:
        return ""
    name = person.last_name + (f", {person.first_name}" if person.first_name else "")
    name += f" {person.middle_name}" if person.middle_name else ""
    return name if phi or not name else mask_cell(_PATIENT_NAME, name)


def _id(person: Person | None, phi: bool) -> str:
    if person is None or not person.identifier:
        return ""
    return person.identifier if phi else mask_cell(_MEMBER_ID, person.identifier)


def _quantity(text: str | None) -> int | float | str | None:
    """Units as a number for JSON; the text as sent when it is not one."""
    if text is None or text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return int(value) if value == value.to_integral_value() else float(value)


# -- one row per adjustment (CSV) ------------------------------------------------------

ADJUSTMENT_COLUMNS = [
    Column(key="file", title="File"),
    Column(key="trace_number", title="Check/EFT", kind=Kind.ID),
    Column(key="payer", title="Payer"),
    Column(key="kind", title="Kind"),
    Column(key="claim_number", title="Claim", kind=Kind.ID),
    Column(key="patient_name", title="Patient", phi=True),
    Column(key="status", title="Status", kind=Kind.ID),
    Column(key="line", title="Line", kind=Kind.INT),
    Column(key="procedure", title="Procedure"),
    Column(key="service_from", title="Service", kind=Kind.DATE),
    Column(key="code", title="Code"),
    Column(key="reference", title="Reference", kind=Kind.ID),
    Column(key="amount", title="Amount", kind=Kind.MONEY),
    Column(key="remark_codes", title="Remarks"),
    Column(key="treatment", title="Treatment"),
    Column(key="category", title="Category"),
]


def eob_adjustments(tree: dict[str, Any]) -> Report:
    """Every adjustment in a tree built with include_phi=True (render masks the names):
    kind claim_adjustment, line_adjustment or provider_adjustment."""
    rows: list[dict[str, Any]] = []
    for r in tree["remittances"]:
        base = {"file": r["file"], "trace_number": r["trace_number"], "payer": r["payer"]["name"]}
        for c in r["claims"]:
            claim = {
                **base,
                "claim_number": c["claim_number"],
                "patient_name": c["patient_name"],
                "status": c["status"],
            }
            claim_remarks = " ".join(m["code"] for m in c["remark_codes"])
            for a in c["adjustments"]:
                rows.append(
                    {**claim, **_adjustment_cells(a), "kind": "claim_adjustment", "remark_codes": claim_remarks}
                )
            for ln in c["lines"]:
                line = {
                    **claim,
                    "kind": "line_adjustment",
                    "line": ln["line"],
                    "procedure": ":".join([ln["procedure"], *ln["modifiers"]]),
                    "service_from": ln["service_from"],
                    "remark_codes": " ".join(
                        remarks_for_adjustment(
                            [m["code"] for m in c["remark_codes"]], [m["code"] for m in ln["remark_codes"]]
                        )
                    ),
                }
                rows.extend({**line, **_adjustment_cells(a)} for a in ln["adjustments"])
        for p in r["provider_adjustments"]:
            rows.append(
                {
                    **base,
                    "kind": "provider_adjustment",
                    "code": p["reason_code"],
                    "reference": p["reference"],
                    "amount": p["amount"],
                }
            )
    return Report(name="adjustments", title="Adjustments", columns=ADJUSTMENT_COLUMNS, rows=rows)


def _adjustment_cells(a: dict[str, Any]) -> dict[str, Any]:
    return {"code": a["code"], "amount": a["amount"], "treatment": a["treatment"], "category": a["category"]}
