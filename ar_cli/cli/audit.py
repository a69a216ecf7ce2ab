"""`ar-cli audit`: check the ledger against its audit chain and its own entries."""

from __future__ import annotations

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.options import FormatOption, OutputOption
from ar_cli.cli.state import state

app = typer.Typer(help="The audit trail: verify the hash chain and every balance.", no_args_is_help=True)


@app.command("verify")
def verify(ctx: typer.Context, fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """Walk the audit hash chain, recompute every claim balance and unapplied account from
    its entries, and tie each posted remittance to its payment; list each break with its id.

    Exit 0 when clean, 1 when anything is broken (for cron: a person must look).
    """
    from ar_cli.cli.render import emit
    from ar_cli.reports.report import Column, Report
    from ar_cli.services.audit_verify import verify_ledger

    result = verify_ledger(state(ctx).ledger())
    report = Report(name="findings", title=f"Audit verify: {len(result.findings)} break(s)",
                    columns=[Column(key="check", title="Check"), Column(key="ref", title="What"),
                             Column(key="message", title="Problem")],
                    rows=[{"check": f.check, "ref": f.ref, "message": f.message} for f in result.findings])
    summary = (f"checked {result.events:,} audit events, {result.entries:,} entries, {result.balances:,} claim "
               f"balances, {result.unapplied:,} unapplied entries, {result.remittances:,} remittances: "
               + ("no breaks" if result.clean else f"{len(result.findings):,} break(s)"))
    if fmt == OutputFormat.table and output is None:
        if result.findings:
            emit(report, fmt=fmt, output=None, include_phi=False)
        typer.echo(summary)
    else:
        emit(report, fmt=fmt, output=output, include_phi=False)
        typer.echo(summary, err=True)
    for forced in result.forced:  # not a break: a person accepted it, and it ties (checked above)
        typer.echo(str(forced), err=not (fmt == OutputFormat.table and output is None))
    if not result.clean:
        raise typer.Exit(1)
