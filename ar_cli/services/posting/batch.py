"""`post batch`: a deposit of many payments from a CSV, all or nothing.

Columns: claim_number, amount, payer (empty: the patient paid), method, reference,
date, and optionally line and adjustments ('CO-45=12.50;PR-2=5.00'). Every bad row is
named with its line number and nothing posts; the rows must add up to the deposit
total (skipped repeats count: they are part of the deposit). A row already posted
(same claim, payer, reference, date and amount) is skipped and counted. One
transaction, one audit event. A payer's denial codes open denials as `post payment`
does (manual_posting.py), row by row, so a denial typed again on a later row records
only what the earlier rows left undenied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ar_cli.domain.errors import InputError, InputProblems, Problem
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.posting.manual_payment import parse_adjustments, parse_amount, parse_day, parse_method
from ar_cli.services.claims.charge_file import _rows
from ar_cli.services.context import Actor
from ar_cli.services.posting.manual import ManualPayment, ManualPoster, PostedPayment
from ar_cli.services.source_files import file_facts
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.tables import SourceFileRow

REQUIRED = ("claim_number", "amount", "payer", "method", "reference", "date")
OPTIONAL = ("line", "adjustments")
_MAX_PROBLEMS = 50


@dataclass(kw_only=True)
class BatchResult:
    file: str
    rows: int = 0
    posted: int = 0
    skipped: int = 0
    total: int = 0
    paid: int = 0
    written_down: int = 0
    transferred: int = 0
    overturned: int = 0  # denials the payers' payments overturned
    opened: int = 0  # denials the payers' denial codes opened
    payments: list[PostedPayment] = field(default_factory=list)


def _read(path: Path) -> list[tuple[int, ManualPayment]]:
    name = str(path)
    rows = _rows(path)
    _, header = next(rows)
    names = [h.strip().lower() for h in (header or [])]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            f"{name}: line 1: missing column(s) {', '.join(missing)} "
            f"(expected {', '.join(REQUIRED)}[, {', '.join(OPTIONAL)}])"
        )
    where = {n: names.index(n) for n in (*REQUIRED, *OPTIONAL) if n in names}
    problems: list[Problem] = []
    payments: list[tuple[int, ManualPayment]] = []
    for line, row in rows:

        def cell(column: str) -> str:
            at = where.get(column)
            return row[at].strip() if at is not None and at < len(row) else ""  # noqa: B023 - called in this iteration only

        values, bad = {}, False
        for column, parse in (
            ("amount", parse_amount),
            ("method", parse_method),
            ("date", parse_day),
            ("adjustments", parse_adjustments),
        ):
            try:
                values[column] = parse(cell(column))
            except InputError as exc:
                problems.append(Problem(source=name, location=f"line {line}", field=column, message=str(exc)))
                bad = True
        for column in ("claim_number", "reference"):
            if not cell(column):
                problems.append(Problem(source=name, location=f"line {line}", field=column, message="is empty"))
                bad = True
        line_number = None
        if cell("line"):
            if not cell("line").isdigit() or int(cell("line")) < 1:
                problems.append(
                    Problem(
                        source=name,
                        location=f"line {line}",
                        field="line",
                        message=f"{cell('line')!r} is not a line number",
                    )
                )
                bad = True
            else:
                line_number = int(cell("line"))
        if not bad:
            payments.append(
                (
                    line,
                    ManualPayment(
                        claim_number=cell("claim_number"),
                        amount=values["amount"],
                        payer=cell("payer") or None,
                        method=values["method"],
                        reference=cell("reference"),
                        paid_on=values["date"],
                        line=line_number,
                        adjustments=values["adjustments"],
                    ),
                )
            )
    if problems:
        raise InputProblems(problems[:_MAX_PROBLEMS], more=max(0, len(problems) - _MAX_PROBLEMS))
    if not payments:
        raise InputError(f"{name}: has a header but no rows")
    return payments


def post_batch(ledger: Ledger, path: Path, *, deposit_total: int, actor: Actor, posting_date: date) -> BatchResult:
    """Check every row, then post them all in one transaction, or post nothing. A posting
    date in a closed month is refused before the file is read."""
    from ar_cli.services.codes import load_code_knowledge
    from ar_cli.services.periods import refuse_closed_period

    refuse_closed_period(ledger, posting_date)
    facts = file_facts(path)
    name = str(path)
    payments = _read(path)
    total = sum(p.amount for _, p in payments)
    if total != deposit_total:
        raise InputError(
            f"{name}: the rows add up to {cents_to_text(total)}, the deposit total is "
            f"{cents_to_text(deposit_total)} (difference {cents_to_text(total - deposit_total)}); "
            "nothing posted"
        )
    result = BatchResult(file=name, rows=len(payments), total=total)
    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        source_id = rec.insert_one(
            SourceFileRow,
            {
                "kind": "payment_batch",
                "name": path.name,
                "sha256": facts.sha256,
                "byte_size": facts.byte_size,
                "posting_date": posting_date,
                "read_at": actor.now,
                "read_by": actor.user,
            },
        )
        poster = ManualPoster(
            session,
            rec,
            actor=actor,
            posting_date=posting_date,
            table=load_code_knowledge(session),
            source_file_id=source_id,
        )
        prepared, problems = [], []
        for line, payment in payments:
            try:
                prepared.append(poster.prepare(payment, where=f"line {line}"))
            except InputError as exc:
                problems.append(Problem(source=name, location=f"line {line}", message=str(exc)))
        if problems:
            raise InputProblems(problems[:_MAX_PROBLEMS], more=max(0, len(problems) - _MAX_PROBLEMS))
        for item in prepared:
            posted = poster.write(item)
            result.payments.append(posted)
            if posted.skipped:
                result.skipped += 1
                continue
            result.posted += 1
            result.paid += posted.paid
            result.written_down += posted.written_down
            result.transferred += posted.transferred
            result.overturned += len(posted.overturned)
            result.opened += len(posted.opened_ids)
        details = {
            "rows": result.rows,
            "posted": result.posted,
            "skipped": result.skipped,
            "deposit_total": deposit_total,
        }
        if result.overturned:
            details["overturned_denials"] = [i for p in result.payments for i in p.overturned]
        if result.opened:
            details["opened_denials"] = [i for p in result.payments for i in p.opened_ids]
        rec.finish(action="post.batch", entity="source_file", entity_key=facts.sha256, source=name, details=details)
    return result
