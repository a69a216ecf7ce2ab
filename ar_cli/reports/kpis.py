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
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from ar_cli.domain import kpis as formulas
from ar_cli.domain.aging import GroupBy, parse_edges
from ar_cli.domain.kpis import Kpi, Measure
from ar_cli.domain.money import cents_to_text
from ar_cli.reports.aging.report import AgingQuery, aging_report
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.tables import ClaimRow, DenialRow, LedgerEntryRow, PayerRow, RemittanceRow
from ar_cli.store.tables.payments import ClaimPaymentRow


@dataclass(frozen=True, kw_only=True)
class KpiQuery:
    start: date
    end: date
    rows: bool = False   # also list what each KPI counted


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
            self.items.append({"kpi": kpi, "ref": ref, "numerator": numerator, "denominator": denominator,
                               "note": note})


def kpi_report(session: Session, query: KpiQuery) -> KpiResult:
    if query.start > query.end:
        from ar_cli.domain.errors import InputError

        raise InputError(f"--from {query.start.isoformat()} is after --to {query.end.isoformat()}")
    rows = _Rows(query.rows)
    kpis = [_days_in_ar(session, query.end, rows), *_collection(session, query, rows),
            *_adjudication(session, query, rows), _ar_over(session, query.end, rows),
            *_days_to_payment(session, query, rows)]
    return KpiResult(query=query, kpis=kpis, report=_report(kpis, query),
                     rows=_rows_report(rows.items) if query.rows else None)


def _numbers(claim_ids: set[int], session: Session) -> dict[int, str]:
    out: dict[int, str] = {}
    ids = sorted(claim_ids)
    for start in range(0, len(ids), 500):
        out.update(session.execute(select(ClaimRow.id, ClaimRow.claim_number)
                                   .where(ClaimRow.id.in_(ids[start:start + 500]))).all())
    return out


def _days_in_ar(session: Session, end: date, rows: _Rows) -> Kpi:
    e = LedgerEntryRow.__table__
    since = end - timedelta(days=formulas.AR_WINDOW_DAYS - 1)
    in_window = (e.c.kind == "charge") & (e.c.effective_date >= since) & (e.c.effective_date <= end)
    stmt = (select(e.c.claim_id, func.sum(e.c.amount), func.sum(case((in_window, e.c.amount), else_=0)))
            .where(e.c.posting_date <= end).group_by(e.c.claim_id))
    per_claim = [(int(c), int(ar), int(ch)) for c, ar, ch in session.execute(stmt)]
    ar = sum(a for _, a, _ in per_claim)
    charges = sum(c for _, _, c in per_claim)
    if rows.wanted:
        numbers = _numbers({c for c, a, ch in per_claim if a or ch}, session)
        for claim_id, balance, charged in per_claim:
            if balance or charged:
                rows.add("days_in_ar", numbers[claim_id], cents_to_text(balance), cents_to_text(charged))
    return formulas.days_in_ar(ar=ar, charges_window=charges)


def _collection(session: Session, query: KpiQuery, rows: _Rows) -> list[Kpi]:
    e = LedgerEntryRow.__table__

    def total(kind: str):
        return func.coalesce(func.sum(case((e.c.kind == kind, e.c.amount), else_=0)), 0)

    stmt = (select(ClaimRow.claim_number, total("charge"), total("payment"), total("refund"), total("contractual"))
            .join(ClaimRow, ClaimRow.id == e.c.claim_id)
            .where(ClaimRow.first_service_date >= query.start, ClaimRow.first_service_date <= query.end,
                   e.c.posting_date <= query.end)
            .group_by(ClaimRow.claim_number).order_by(ClaimRow.claim_number))
    charges = payments = refunds = contractual = 0
    for number, charged, paid, refunded, written in session.execute(stmt):
        # Signs: a payment or contractual entry lowers what is owed (negative); a refund raises it.
        charged, paid, refunded, written = int(charged), -int(paid), int(refunded), -int(written)
        charges, payments, refunds, contractual = (charges + charged, payments + paid, refunds + refunded,
                                                   contractual + written)
        rows.add("gross_collection_rate", number, cents_to_text(paid), cents_to_text(charged))
        rows.add("net_collection_rate", number, cents_to_text(paid - refunded), cents_to_text(charged - written))
    return [formulas.gross_collection_rate(payments=payments, charges=charges),
            formulas.net_collection_rate(payments=payments, refunds=refunds, charges=charges,
                                         contractual=contractual)]


def _adjudication(session: Session, query: KpiQuery, rows: _Rows) -> list[Kpi]:
    p, r = ClaimPaymentRow.__table__, RemittanceRow.__table__
    # The first among the claim payments posted by `end`: one posted later (even for a
    # check dated in the range) is not part of the range's figures.
    first_ids = (select(func.min(p.c.id)).join(r, r.c.id == p.c.remittance_id)
                 .where(p.c.reverses_id.is_(None), p.c.status_code != "22", p.c.responsibility == 1,
                        r.c.posting_date <= query.end)
                 .group_by(p.c.claim_id))
    firsts = session.execute(
        select(p.c.id, p.c.claim_number, p.c.charge, p.c.paid, p.c.patient_responsibility)
        .join(r, r.c.id == p.c.remittance_id)
        .where(p.c.id.in_(first_ids), r.c.effective_date >= query.start, r.c.effective_date <= query.end)
        .order_by(p.c.claim_number)).all()
    denied: dict[int, int] = {}
    ids = [row.id for row in firsts]
    d = DenialRow.__table__
    for start in range(0, len(ids), 500):
        for payment_id, amount in session.execute(
                select(d.c.claim_payment_id, func.sum(d.c.amount))
                .where(d.c.claim_payment_id.in_(ids[start:start + 500])).group_by(d.c.claim_payment_id)):
            denied[int(payment_id)] = int(amount)
    adjudicated = denied_claims = denied_money = charged = resolved = 0
    for row in firsts:
        if row.paid == 0 and row.id not in denied and row.patient_responsibility > 0:
            rows.add("denial_rate", row.claim_number, "0", "0", "left out: zero pay, patient responsibility only")
            continue
        adjudicated += 1
        charged += row.charge
        if row.id in denied:
            denied_claims += 1
            denied_money += denied[row.id]
        elif row.paid > 0:
            resolved += 1
        is_denied = row.id in denied
        rows.add("denial_rate", row.claim_number, "1" if is_denied else "0", "1")
        rows.add("denial_rate_money", row.claim_number, cents_to_text(denied.get(row.id, 0)),
                 cents_to_text(row.charge))
        rows.add("first_pass_resolution_rate", row.claim_number, "1" if not is_denied and row.paid > 0 else "0",
                 "1")
    return [formulas.denial_rate(denied_claims=denied_claims, adjudicated=adjudicated),
            formulas.denial_rate_money(denied=denied_money, charged=charged),
            formulas.first_pass_resolution_rate(resolved=resolved, adjudicated=adjudicated)]


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
    p, r = ClaimPaymentRow.__table__, RemittanceRow.__table__
    paid_on = func.coalesce(r.c.payment_date, r.c.effective_date)
    firsts = (select(p.c.claim_id, p.c.payer_id, func.min(paid_on).label("paid_on"))
              .join(r, r.c.id == p.c.remittance_id)
              .where(p.c.reverses_id.is_(None), p.c.status_code != "22", p.c.paid > 0,
                     r.c.posting_date <= query.end)
              .group_by(p.c.claim_id, p.c.payer_id).subquery())
    stmt = (select(PayerRow.code, ClaimRow.claim_number, ClaimRow.billed_date, firsts.c.paid_on)
            .join(ClaimRow, ClaimRow.id == firsts.c.claim_id).join(PayerRow, PayerRow.id == firsts.c.payer_id)
            .where(firsts.c.paid_on >= query.start, firsts.c.paid_on <= query.end)
            .order_by(PayerRow.code, ClaimRow.claim_number))
    per_payer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for payer, number, billed, paid_on_day in session.execute(stmt):
        days = (paid_on_day - billed).days
        per_payer[payer][0] += days
        per_payer[payer][1] += 1
        rows.add(f"days_to_payment:{payer}", number, str(days), "1",
                 f"billed {billed.isoformat()}, paid {paid_on_day.isoformat()}")
    return [formulas.days_to_payment(payer=payer, days=days, claims=count)
            for payer, (days, count) in sorted(per_payer.items())]


def measure_text(value: int, measure: Measure) -> str:
    return cents_to_text(value) if measure == Measure.MONEY else str(value)


def _report(kpis: list[Kpi], query: KpiQuery) -> Report:
    rows = [{"key": k.key, "name": k.name, "value": None if k.value is None else float(k.value), "unit": k.unit.value,
             "numerator": measure_text(k.numerator, k.numerator_measure), "numerator_measure":
             k.numerator_measure.value, "denominator": measure_text(k.denominator, k.denominator_measure),
             "denominator_measure": k.denominator_measure.value, "formula": k.formula} for k in kpis]
    return Report(name="kpis", title=f"KPIs {query.start.isoformat()} to {query.end.isoformat()}", rows=rows,
                  columns=[Column(key="key", title="Key", kind=Kind.ID), Column(key="name", title="KPI"),
                           Column(key="value", title="Value"), Column(key="unit", title="Unit"),
                           Column(key="numerator", title="Numerator"),
                           Column(key="numerator_measure", title="Of"),
                           Column(key="denominator", title="Denominator"),
                           Column(key="denominator_measure", title="Of"),
                           Column(key="formula", title="Formula")])


def _rows_report(items: list[dict[str, Any]]) -> Report:
    return Report(name="rows", title="What each KPI counted", rows=items,
                  columns=[Column(key="kpi", title="KPI", kind=Kind.ID), Column(key="ref", title="Claim", kind=Kind.ID),
                           Column(key="numerator", title="Numerator"), Column(key="denominator", title="Denominator"),
                           Column(key="note", title="Note")])
