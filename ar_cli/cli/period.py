"""`ar-cli period`: close a month to postings (writing its close pack), list, reopen."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import FormatOption, OutputOption, OverwriteOption
from ar_cli.cli.state import state

app = typer.Typer(
    help="Accounting periods: close a month (no posting date in it after), list, reopen.", no_args_is_help=True
)

PeriodArgument = Annotated[str, typer.Argument(metavar="YYYY-MM", help="The month, e.g. 2026-06.")]


@app.command("close")
@changes_ledger
def close(
    ctx: typer.Context,
    period: PeriodArgument,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder for the close pack, created when missing (default: close-packs/ beside a SQLite "
            "ledger; required for PostgreSQL). An earlier pack is never replaced.",
        ),
    ] = None,
) -> None:
    """Close a month: from now on nothing posts with a posting date in it (a late
    correction posts in an open month, its effective date saying what it corrects).

    Writes the close pack — that month's aging, ledger and remittance exports and their
    manifest — into a folder close-YYYY-MM under --output. Audited; closing a closed
    month is refused.
    """
    from ar_cli.reports.exports.close_pack import close_with_pack
    from ar_cli.services.periods import parse_period

    chosen = parse_period(period)
    st = state(ctx)
    done = close_with_pack(st.ledger(), chosen, output=output, actor=st.actor())
    typer.echo(f"period {chosen.text} closed (audit event {done.closed.audit_event_id}); close pack in {done.folder}")
    for item in done.files:
        totals = ", ".join(f"{key} {value}" for key, value in item["totals"].items())
        typer.echo(f"  {item['file']}: {item['rows']:,} rows ({totals}); sha256 {item['sha256']}")


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Every month closed, with who closed it and when; a reopened month says who and why."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.periods import list_periods
    from ar_cli.reports.report import Column, Kind, Report

    rows = [
        {
            "period": p.period,
            "status": p.status,
            "closed_at": p.closed_at.date(),
            "closed_by": p.closed_by,
            "reopened_at": p.reopened_at.date() if p.reopened_at else None,
            "reopened_by": p.reopened_by,
            "reason": p.reason,
        }
        for p in list_periods(state(ctx).ledger())
    ]
    report = Report(
        name="periods",
        title="Closed periods",
        rows=rows,
        columns=[
            Column(key="period", title="Period", kind=Kind.ID),
            Column(key="status", title="Status"),
            Column(key="closed_at", title="Closed on", kind=Kind.DATE),
            Column(key="closed_by", title="By"),
            Column(key="reopened_at", title="Reopened on", kind=Kind.DATE),
            Column(key="reopened_by", title="By"),
            Column(key="reason", title="Reason"),
        ],
    )
    if not rows and fmt == OutputFormat.table and output is None:
        typer.echo("no period has been closed")
        return
    emit(report, fmt=fmt, output=output, include_phi=False, overwrite=overwrite)


@app.command("reopen")
@changes_ledger
def reopen(
    ctx: typer.Context,
    period: PeriodArgument,
    reason: Annotated[str, typer.Option(help="Why the month is reopened (kept with it and in the audit log).")] = "",
) -> None:
    """Reopen a closed month so it takes postings again; needs --reason. Audited."""
    from ar_cli.services.periods import parse_period, reopen_period

    chosen = parse_period(period)
    st = state(ctx)
    event = reopen_period(st.ledger(), chosen, reason=reason, actor=st.actor())
    typer.echo(f"period {chosen.text} reopened (audit event {event})")
