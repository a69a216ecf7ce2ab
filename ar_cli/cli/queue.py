"""`ar-cli queue`: what to work next and why — open claims ranked by priority, with
remittance exceptions, unapplied money and credit balances as their own rows."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import reads_ledger
from ar_cli.cli.options import AsOfOption, FormatOption, IncludePhiOption, OutputOption, OverwriteOption
from ar_cli.cli.state import parse_date, state, today


@reads_ledger
def queue(
    ctx: typer.Context,
    payer: Annotated[str | None, typer.Option(help="Only what this payer owes or sent (code, alias or name).")] = None,
    financial_class: Annotated[
        str | None,
        typer.Option(help="Only payers of this class: medicare, medicaid, commercial, self-pay (the patient), other."),
    ] = None,
    bucket: Annotated[
        str | None,
        typer.Option(help="Only this aging bucket by date of service, as labelled by aging (e.g. 91-120 or 121+)."),
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Only claims with an open denial of this category (e.g. missing_info, coding).")
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only claims assigned to this user.")] = None,
    min_balance: Annotated[
        str | None, typer.Option(help="Leave out items smaller than this amount (e.g. 25.00).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only items of this kind: claim, credit, exception, unapplied.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show the top N items (0: every item).", min=0)] = 50,
    all_: Annotated[bool, typer.Option("--all", help="Include claims waiting on a future follow-up date.")] = False,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Rank the work: open claims by a priority score, with a short why on every row.

    The score adds points for money at stake, age, an open denial and its category, an
    appeal deadline or filing limit within 30 days, no payer response, the payer, and
    days since anyone touched the claim (weights: `ar-cli config list`, keys queue.*).
    A claim with a follow-up date in the future waits until then, unless a deadline
    comes first.
    """
    from ar_cli.cli.render import emit
    from ar_cli.domain.errors import InputError, MoneyError
    from ar_cli.domain.money import cents_from_text
    from ar_cli.reports.queue.build import QueueFilter

    cents = None
    if min_balance is not None:
        try:
            cents = cents_from_text(min_balance, allow_negative=False)
        except MoneyError as exc:
            raise InputError(f"--min-balance: {exc}") from None
    flt = QueueFilter(
        payer=payer,
        financial_class=financial_class,
        bucket=bucket,
        category=category,
        assignee=assignee,
        min_amount=cents,
        kind=kind,
        limit=limit or None,
        include_hidden=all_,
    )
    when = parse_date(as_of, "--as-of") or today()
    report = _from_file(ctx, flt, when)
    if report is None:
        from ar_cli.reports.queue.report import queue_report

        report = queue_report(state(ctx).ledger(), flt, as_of=when)
    emit(report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite, name=f"queue_{when.isoformat()}")


def _from_file(ctx: typer.Context, flt, when):
    """On a SQLite ledger: the queue read with sqlite3 alone (no SQLAlchemy to import:
    most of `queue`'s start-up). None: open the ledger the usual way."""
    location = state(ctx).location()
    if location.sqlite_path is None:
        return None
    from ar_cli.reports.queue.from_file import queue_from_file
    from ar_cli.store.ledger_contents import file_is_empty

    report = queue_from_file(location.sqlite_path, flt, as_of=when)
    if report is not None and file_is_empty(location.sqlite_path):
        state(ctx).say_empty()  # as CliState.ledger() says on the usual path
    return report
