"""`report nightly`: everything the cron job writes, gathered as data (rendering and
writing the folder are cli/report.py's; remembering the run is services/nightly_runs).

KPIs cover the 90 days to the as-of date; cash the 12 weeks to it; the denial rate by
category the same 90 days. "New" compares with the previous run's record
(domain/nightly.what_is_new).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ar_cli.domain.money import format_money
from ar_cli.domain.nightly import thresholds_crossed, what_is_new
from ar_cli.reports.aging.report import Aging, AgingQuery, aging_report
from ar_cli.reports.audit.posting_integrity import forced_remittances
from ar_cli.reports.cash import cash_by_week
from ar_cli.reports.denials.flags import appeals_passed
from ar_cli.reports.denials.lists import flags_report, list_report, trends_report
from ar_cli.reports.denials.queries import DenialFilter
from ar_cli.reports.exceptions import exceptions_report
from ar_cli.reports.kpis import KpiQuery, KpiResult, kpi_report
from ar_cli.reports.queue.build import QueueFilter
from ar_cli.reports.queue.report import queue_report
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.services.nightly_runs import last_run
from ar_cli.services.settings import get_setting
from ar_cli.store.database import Ledger
from ar_cli.store.ledger_contents import is_empty

KPI_DAYS = 90
EMPTY_LEDGER = "the ledger is empty (no claims or remittances yet)"
FILING_WITHIN_DAYS = 30


@dataclass(kw_only=True)
class Nightly:
    as_of: date
    aging: Aging
    denials: Report
    queue: Report
    exceptions: Report
    kpis: KpiResult
    cash: Report
    denial_rates: Report
    flags: Report
    forced: Report  # remittances posted with --force (issue 13): a person settles each difference
    threshold: float  # AR over 90 days share that asks for a human
    empty: bool = False  # no claim or remittance: never an all-clear
    seen: dict[str, list[str]] = field(default_factory=dict)  # recorded for the next run
    new: list[str] = field(default_factory=list)  # why a human is needed, one line each

    @property
    def over_90_share(self) -> float | None:
        total = self.aging.total.total
        return self.aging.total.over / total if total > 0 else None

    def csv_reports(self) -> dict[str, Report]:
        """File name → report, for the folder."""
        return {
            "aging.csv": self.aging.report,
            "denials.csv": self.denials,
            "queue.csv": self.queue,
            "exceptions.csv": self.exceptions,
            "cash_by_week.csv": self.cash,
            "denial_rates.csv": self.denial_rates,
            "flags.csv": self.flags,
            "forced_remittances.csv": self.forced,
        }


def gather_nightly(ledger: Ledger, *, as_of: date, queue_limit: int) -> Nightly:
    start = as_of - timedelta(days=KPI_DAYS - 1)
    with ledger.read() as session:
        aging = aging_report(session, AgingQuery(as_of=as_of))
        kpis = kpi_report(session, KpiQuery(start=start, end=as_of))
        cash = cash_by_week(session, as_of)
        threshold = float(get_setting(session, "report.ar_over_90_threshold"))
        due_within = int(get_setting(session, "denials.appeal_due_days"))
        idle_days = int(get_setting(session, "denials.stale_days"))
        before = last_run(session)
        empty = is_empty(session)
        forced = _forced_report(forced_remittances(session))
        # Since the last successful run (failed runs record nothing): what passed in a gap.
        since = date.fromisoformat(before["as_of"]) if before else None
        passed = appeals_passed(session, since=since, as_of=as_of) if since else []
    night = Nightly(
        as_of=as_of,
        aging=aging,
        kpis=kpis,
        cash=cash,
        threshold=threshold,
        empty=empty,
        forced=forced,
        denials=list_report(ledger, DenialFilter(as_of=as_of)),
        queue=queue_report(ledger, QueueFilter(limit=queue_limit), as_of=as_of),
        exceptions=exceptions_report(ledger, status="open", kind=None),
        denial_rates=trends_report(ledger, by="category", start=start, end=as_of),
        flags=flags_report(
            ledger, as_of=as_of, due_within=due_within, idle_days=idle_days, filing_within=FILING_WITHIN_DAYS
        ),
    )
    night.seen = {
        "exceptions": sorted(str(r["id"]) for r in night.exceptions.rows),
        "appeals_due": sorted({f"{r['claim']}:{r['denial']}" for r in night.flags.rows if r["flag"] == "appeal_due"}),
        "filing_at_risk": sorted(
            {f"{r['claim']}:{r['line']}" for r in night.flags.rows if r["flag"] == "timely_filing"}
        ),
        "appeals_passed": sorted(passed),
        "thresholds": thresholds_crossed(over_90_share=night.over_90_share, threshold=threshold),
    }
    night.new = what_is_new(
        night.seen,
        (before or {}).get("seen"),
        over_90_share=night.over_90_share,
        threshold=threshold,
        since=since.isoformat() if since else None,
    )
    if night.empty:
        # A wrong or fresh ledger reads as zeros; a person should look before trusting them.
        night.new.insert(0, EMPTY_LEDGER)
    return night


def _forced_report(forced) -> Report:
    return Report(
        name="forced_remittances",
        title=f"Forced remittances: {len(forced)}",
        columns=[
            Column(key="remittance", title="Remittance", kind=Kind.ID),
            Column(key="trace", title="Trace", kind=Kind.ID),
            Column(key="payer", title="Payer"),
            Column(key="amount", title="BPR02", kind=Kind.MONEY),
            Column(key="difference", title="Difference (unapplied)", kind=Kind.MONEY),
            Column(key="posted", title="Posted", kind=Kind.DATE),
        ],
        rows=[
            {
                "remittance": str(f.remittance_id),
                "trace": f.trace_number,
                "payer": f.payer,
                "amount": f.amount,
                "difference": f.difference,
                "posted": f.posting_date,
            }
            for f in forced
        ],
    )


def summary_line(night: Nightly, folder: str) -> str:
    """The one line a cron log gets."""
    state = "needs a human: " + "; ".join(night.new) if night.new else "nothing new"
    return (
        f"ar-cli report nightly {night.as_of.isoformat()}: wrote {folder} · AR "
        f"{format_money(night.aging.total.total)} · {_count(len(night.exceptions.rows), 'open exception')} · "
        f"{_count(len(night.denials.rows), 'open denial')} · {state}"
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
