"""A claim's timeline: notes, follow-ups, postings and denials in date order.

Postings are dated by what they describe (a charge by its date of service, a payment by
its check date) and summed per day, source and kind (an ERA posts a dozen entries for one
claim payment; the timeline says "payment −54.03 from MCR01" once). Every row has a
date, what happened, who or what did it, and the detail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.domain.claims.records import responsibility_name
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store.tables import DenialRow, FollowUpRow, LedgerEntryRow, NoteRow, PayerRow, SourceFileRow, UserRow

COLUMNS = [
    Column(key="date", title="Date", kind=Kind.DATE),
    Column(key="event", title="What"),
    Column(key="by", title="By"),
    Column(key="detail", title="Detail"),
    Column(key="amount", title="Amount", kind=Kind.MONEY),
]
_ORDER = {"charge": 0, "posting": 1, "denial": 2, "note": 3, "follow-up": 4}


def claim_timeline(session: Session, claim_id: int) -> Report:
    rows: list[dict] = []
    payers = dict(session.execute(select(PayerRow.id, PayerRow.code)).all())
    sums: dict[tuple, int] = defaultdict(int)
    for posted, kind, resp, payer_id, amount, source, created_by in session.execute(
            select(LedgerEntryRow.effective_date, LedgerEntryRow.kind, LedgerEntryRow.responsibility,
                   LedgerEntryRow.payer_id, LedgerEntryRow.amount, SourceFileRow.name, LedgerEntryRow.created_by)
            .outerjoin(SourceFileRow, SourceFileRow.id == LedgerEntryRow.source_file_id)
            .where(LedgerEntryRow.claim_id == claim_id).order_by(LedgerEntryRow.id)):
        sums[(posted, kind, resp, payers.get(payer_id, ""), source or f"user {created_by}")] += amount
    for (posted, kind, resp, payer, source), amount in sums.items():
        if amount == 0 and kind == "transfer":
            continue  # both legs on one responsibility: nothing moved for the reader
        whose = responsibility_name(resp)
        rows.append({"date": posted, "event": "charge" if kind == "charge" else "posting", "by": source,
                     "detail": f"{kind} on the {whose}" + (f" ({payer})" if payer and kind != "charge" else ""),
                     "amount": amount})
    for denial in session.execute(select(DenialRow).where(DenialRow.claim_id == claim_id)
                                  .order_by(DenialRow.id)).scalars():
        deadline = f", appeal by {denial.appeal_deadline.isoformat()}" if denial.appeal_deadline else ""
        rows.append({"date": denial.denied_on, "event": "denial", "by": payers.get(denial.payer_id, ""),
                     "detail": f"{denial.adjustment_group}-{denial.reason_code} {denial.category.replace('_', ' ')}"
                               f" ({denial.status}{deadline})", "amount": denial.amount})
    for note in session.execute(select(NoteRow).where(NoteRow.claim_id == claim_id).order_by(NoteRow.id)).scalars():
        rows.append({"date": _day(note.created_at), "event": "note", "by": note.created_by, "detail": note.text,
                     "amount": None})
    users = dict(session.execute(select(UserRow.id, UserRow.name)).all())
    for follow in session.execute(select(FollowUpRow).where(FollowUpRow.claim_id == claim_id)
                                  .order_by(FollowUpRow.id)).scalars():
        who = f" for {users[follow.assigned_user_id]}" if follow.assigned_user_id in users else ""
        rows.append({"date": _day(follow.created_at), "event": "follow-up", "by": follow.created_by,
                     "detail": f"on {follow.due_on.isoformat()}{who}: {follow.action} ({follow.status})",
                     "amount": None})
    rows.sort(key=lambda r: (r["date"], _ORDER[r["event"]]))
    return Report(name="timeline", title="Timeline", columns=COLUMNS, rows=rows)


def _day(moment: datetime) -> date:
    return moment.date()
