"""How each aging bucket moved across stored snapshots, per week or per month.

Each period shows its latest snapshot (month-end or week-end figures when snapshots are
taken daily). Buckets only compare when they have the same edges: the trend uses the
edges asked for, else those of the newest snapshot in range, and says how many
snapshot dates with other edges it left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from ar_cli.domain.aging import CREDIT_BUCKET, OVER_DAYS, BucketEdges, parse_edges, share
from ar_cli.domain.errors import InputError
from ar_cli.domain.money import format_money
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.payers_repo import find_payer
from ar_cli.store.queries import aging as aging_sql
from ar_cli.store.sql import sql_of

if TYPE_CHECKING:
    from ar_cli.store import Session


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


def period_of(day: date, period: Period) -> str:
    """'2026-06' for a month, '2026-W26' for an ISO week (Monday to Sunday)."""
    if period == Period.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


@dataclass(frozen=True, kw_only=True)
class TrendQuery:
    period: Period = Period.MONTH
    start: date | None = None
    end: date | None = None
    payer: str | None = None
    edges: BucketEdges | None = None


@dataclass(kw_only=True)
class TrendPoint:
    period: str
    as_of: date
    amounts: list[int]
    credits: int = 0

    @property
    def total(self) -> int:
        return sum(self.amounts)


@dataclass(kw_only=True)
class Trend:
    edges: BucketEdges | None
    points: list[TrendPoint]
    report: Report
    skipped: int = 0  # snapshot dates left out: taken with other bucket edges


def aging_trend(session: Session, query: TrendQuery) -> Trend:
    if query.start and query.end and query.start > query.end:
        raise InputError("--from is after --to")
    db = sql_of(session)
    taken = aging_sql.snapshot_dates(db, start=query.start, end=query.end)
    edges = query.edges
    if edges is None and taken:
        edges = parse_edges(taken[-1][1], option="snapshot bucket edges")
    # Every date taken with these edges is a point, even when the payer asked for owed nothing.
    by_date = (
        {
            as_of: TrendPoint(period=period_of(as_of, query.period), as_of=as_of, amounts=[0] * edges.count)
            for as_of, text in taken
            if text == edges.text()
        }
        if edges
        else {}
    )
    skipped = len({as_of for as_of, _ in taken} - set(by_date))
    payer_code = payer_id = None
    if query.payer:
        payer = find_payer(session, query.payer)
        payer_code, payer_id = payer.code, payer.id
    for as_of, bucket, amount in aging_sql.snapshot_sums(
        db, start=query.start, end=query.end, edges=edges.text() if edges else "", payer_id=payer_id
    ):
        point = by_date.get(as_of)
        if point is None:
            continue
        if bucket == CREDIT_BUCKET:
            point.credits += int(amount or 0)
        elif 0 <= bucket < edges.count:
            point.amounts[bucket] += int(amount or 0)
    latest: dict[str, TrendPoint] = {}
    for as_of in sorted(by_date):  # the last snapshot of each period stands for it
        latest[by_date[as_of].period] = by_date[as_of]
    points = list(latest.values())
    report = _report(points, edges, query, skipped, payer_code)
    return Trend(edges=edges, points=points, report=report, skipped=skipped)


def _report(
    points: list[TrendPoint], edges: BucketEdges | None, query: TrendQuery, skipped: int, payer_code: str | None
) -> Report:
    columns = [
        Column(key="period", title=query.period.value.capitalize()),
        Column(key="as_of", title="Snapshot", kind=Kind.DATE),
    ]
    if edges is not None:
        columns += [Column(key=edges.key(i), title=edges.label(i), kind=Kind.MONEY) for i in range(edges.count)]
    over_buckets = edges.over(OVER_DAYS) if edges is not None else []
    columns += [
        Column(key="total", title="Total", kind=Kind.MONEY),
        Column(key="change", title="Change", kind=Kind.MONEY),
    ]
    if over_buckets:
        columns.append(Column(key="over_90_share", title=f"% over {OVER_DAYS}", kind=Kind.PERCENT))
    columns.append(Column(key="credits", title="Credits", kind=Kind.MONEY))
    rows, previous = [], None
    for point in points:
        row = {"period": point.period, "as_of": point.as_of}
        row.update({edges.key(i): amount for i, amount in enumerate(point.amounts)})
        row.update(
            total=point.total, change=None if previous is None else point.total - previous, credits=point.credits
        )
        if over_buckets:
            row["over_90_share"] = share(sum(point.amounts[i] for i in over_buckets), point.total)
        rows.append(row)
        previous = point.total
    notes = []
    if not points:
        notes.append("No aging snapshots in range: take one with `ar-cli aging snapshot`.")
    if skipped:
        notes.append(
            f"{skipped} snapshot date(s) taken with other bucket edges are left out (choose them with --buckets)."
        )
    if len(points) >= 2:
        first, last = points[0], points[-1]
        notes.append(
            f"From {first.as_of.isoformat()} to {last.as_of.isoformat()}: total "
            f"{format_money(first.total)} → {format_money(last.total)}"
        )
    scope = f" · payer {payer_code}" if payer_code else ""
    return Report(
        name="trend", title=f"Aging trend by {query.period.value}{scope}", columns=columns, rows=rows, notes=notes
    )
