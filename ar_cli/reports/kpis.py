"""`ar-cli kpis`: the supervisor's numbers for a date range, each with what it counted.

Where the sums come from: the ledger as of `end` — entries, claim payments and the
denials they opened posted on or before `end` — so a KPI run later for a past range
gives the same numbers, byte for byte, whatever was posted since:

- days in AR: open AR (every entry) over charges whose date of service (the charge's
  effective date) falls in the 90 days ending at `end`;
- gross and net collection rates: claims whose first date of service is in the range
  (a cohort), their charges, payments, refunds and contractual write-downs to date;
- denial rate and first-pass resolution: each claim's first adjudication — its first
  claim payment from the primary payer in an ERA (reversals are never first), when the
  check/EFT date is in the range. A zero pay that only moved money to the patient is
  left out; a denial opened by that payment makes the claim denied;
- AR over 90 days: the aging as of `end` (from the date of service, credits apart);
- days to payment per payer: each claim's first ERA payment (paid > 0) from that payer
  in the range, check/EFT date (BPR16) − billed date.

Payments posted by hand (`post payment`) have no claim payment record, so they count
in the collection rates but not in adjudication or days to payment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ar_cli.domain import kpis as formulas
from ar_cli.domain.aging import GroupBy, parse_edges
from ar_cli.domain.kpis import Kpi, Measure
from ar_cli.domain.money import cents_to_text
from ar_cli.reports.aging.report import AgingQuery, aging_report
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.queries import kpis as kpi_sql

if TYPE_CHECKING:
    from ar_cli.store import Session


@dataclass(frozen=True, kw_only=True)
class KpiQuery:
    start: date
    end: date
    rows: bool = False  # also list what each KPI counted


@dataclass(kw_only=True)
class KpiResult:
    query: KpiQuery
    kpis: list[Kpi]
    report: Report
    rows: Report | None


class _Rows:
    """What each KPI counted, one row per claim (or payer) and KPI, when asked."""

    def __init__(self, wanted: bool) -> None:
        self.wanted = wanted
        self.items: list[dict[str, Any]] = []

    def add(self, kpi: str, ref: str, numerator: str, denominator: str, note: str = "") -> None:
        if self.wanted:
            self.items.append(
                {"kpi": kpi, "ref": ref, "numerator": numerator, "denominator": denominator, "note": note}
            )


def kpi_report(session: Session, query: KpiQuery) -> KpiResult:
    if query.start > query.end:
        from ar_cli.domain.errors import InputError

        raise InputError(f"--from {query.start.isoformat()} is after --to {query.end.isoformat()}")
    rows = _Rows(query.rows)
    kpis = [
        _days_in_ar(session, query.end, rows),
        *_collection(session, query, rows),
        *_adjudication(session, query, rows),
        _ar_over(session, query.end, rows),
        *_days_to_payment(session, query, rows),
    ]
    return KpiResult(
        query=query, kpis=kpis, report=_report(kpis, query), rows=_rows_report(rows.items) if query.rows else None
    )


def _days_in_ar(session: Session, end: date, rows: _Rows) -> Kpi:
    since = end - timedelta(days=formulas.AR_WINDOW_DAYS - 1)
    per_claim = kpi_sql.ar_and_window_charges(session, end, since)
    ar = sum(a for _, a, _ in per_claim)
    charges = sum(c for _, _, c in per_claim)
    if rows.wanted:
        numbers = kpi_sql.claim_numbers(session, {c for c, a, ch in per_claim if a or ch})
        for claim_id, balance, charged in per_claim:
            if balance or charged:
                rows.add("days_in_ar", numbers[claim_id], cents_to_text(balance), cents_to_text(charged))
    return formulas.days_in_ar(ar=ar, charges_window=charges)


def _collection(session: Session, query: KpiQuery, rows: _Rows) -> list[Kpi]:
    charges = payments = refunds = contractual = 0
    for number, charged, paid, refunded, written in kpi_sql.cohort_totals(session, query.start, query.end):
        # Signs: a payment or contractual entry lowers what is owed (negative); a refund raises it.
        charged, paid, refunded, written = int(charged), -int(paid), int(refunded), -int(written)
        charges, payments, refunds, contractual = (
            charges + charged,
            payments + paid,
            refunds + refunded,
            contractual + written,
        )
        rows.add("gross_collection_rate", number, cents_to_text(paid), cents_to_text(charged))
        rows.add("net_collection_rate", number, cents_to_text(paid - refunded), cents_to_text(charged - written))
    return [
        formulas.gross_collection_rate(payments=payments, charges=charges),
        formulas.net_collection_rate(payments=payments, refunds=refunds, charges=charges, contractual=contractual),
    ]


def _adjudication(session: Session, query: KpiQuery, rows: _Rows) -> list[Kpi]:
    firsts = kpi_sql.first_adjudications(session, query.start, query.end)
    denied = kpi_sql.denied_by_payment(session, [row[0] for row in firsts])
    adjudicated = denied_claims = denied_money = charged = resolved = 0
    for payment_id, claim_number, charge, paid, patient_responsibility in firsts:
        if paid == 0 and payment_id not in denied and patient_responsibility > 0:
            rows.add("denial_rate", claim_number, "0", "0", "left out: zero pay, patient responsibility only")
            continue
        adjudicated += 1
        charged += charge
        if payment_id in denied:
            denied_claims += 1
            denied_money += denied[payment_id]
        elif paid > 0:
            resolved += 1
        is_denied = payment_id in denied
        rows.add("denial_rate", claim_number, "1" if is_denied else "0", "1")
        rows.add("denial_rate_money", claim_number, cents_to_text(denied.get(payment_id, 0)), cents_to_text(charge))
        rows.add("first_pass_resolution_rate", claim_number, "1" if not is_denied and paid > 0 else "0", "1")
    return [
        formulas.denial_rate(denied_claims=denied_claims, adjudicated=adjudicated),
        formulas.denial_rate_money(denied=denied_money, charged=charged),
        formulas.first_pass_resolution_rate(resolved=resolved, adjudicated=adjudicated),
    ]


def _ar_over(session: Session, end: date, rows: _Rows) -> Kpi:
    edges = parse_edges(str(formulas.OVER_DAYS))
    total = aging_report(session, AgingQuery(as_of=end, edges=edges)).total
    kpi = formulas.ar_over_days(over=total.over, total=total.total)
    if rows.wanted:
        by_claim = aging_report(session, AgingQuery(as_of=end, edges=edges, group_by=GroupBy.CLAIM)).report
        for row in by_claim.rows:
            rows.add(kpi.key, str(row["claim_number"]), cents_to_text(row["over_90"]), cents_to_text(row["total"]))
    return kpi


def _days_to_payment(session: Session, query: KpiQuery, rows: _Rows) -> list[Kpi]:
    per_payer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for payer, number, billed, paid_on_day in kpi_sql.first_payments(session, query.start, query.end):
        days = (paid_on_day - billed).days
        per_payer[payer][0] += days
        per_payer[payer][1] += 1
        rows.add(
            f"days_to_payment:{payer}",
            number,
            str(days),
            "1",
            f"billed {billed.isoformat()}, paid {paid_on_day.isoformat()}",
        )
    return [
        formulas.days_to_payment(payer=payer, days=days, claims=count)
        for payer, (days, count) in sorted(per_payer.items())
    ]


def measure_text(value: int, measure: Measure) -> str:
    return cents_to_text(value) if measure == Measure.MONEY else str(value)


def _report(kpis: list[Kpi], query: KpiQuery) -> Report:
    rows = [
        {
            "key": k.key,
            "name": k.name,
            "value": None if k.value is None else float(k.value),
            "unit": k.unit.value,
            "numerator": measure_text(k.numerator, k.numerator_measure),
            "numerator_measure": k.numerator_measure.value,
            "denominator": measure_text(k.denominator, k.denominator_measure),
            "denominator_measure": k.denominator_measure.value,
            "formula": k.formula,
        }
        for k in kpis
    ]
    return Report(
        name="kpis",
        title=f"KPIs {query.start.isoformat()} to {query.end.isoformat()}",
        rows=rows,
        columns=[
            Column(key="key", title="Key", kind=Kind.ID),
            Column(key="name", title="KPI"),
            Column(key="value", title="Value"),
            Column(key="unit", title="Unit"),
            Column(key="numerator", title="Numerator"),
            Column(key="numerator_measure", title="Of"),
            Column(key="denominator", title="Denominator"),
            Column(key="denominator_measure", title="Of"),
            Column(key="formula", title="Formula"),
        ],
    )


def _rows_report(items: list[dict[str, Any]]) -> Report:
    return Report(
        name="rows",
        title="What each KPI counted",
        rows=items,
        columns=[
            Column(key="kpi", title="KPI", kind=Kind.ID),
            Column(key="ref", title="Claim", kind=Kind.ID),
            Column(key="numerator", title="Numerator"),
            Column(key="denominator", title="Denominator"),
            Column(key="note", title="Note"),
        ],
    )
