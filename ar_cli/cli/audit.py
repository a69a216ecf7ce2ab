"""`ar-cli audit`: check the ledger against its audit chain and its own entries."""

from __future__ import annotations

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import reads_ledger
from ar_cli.cli.options import FormatOption, OutputOption, OverwriteOption
from ar_cli.cli.state import state

app = typer.Typer(help="The audit trail: verify the hash chain and every balance.", no_args_is_help=True)


@app.command("anchor")
@reads_ledger
def anchor(ctx: typer.Context) -> None:
    """Print the chain's head as HASH:COUNT, to keep outside the ledger (a printed close
    pack, another system). `audit verify --anchor HASH:COUNT` later checks that the
    chain still holds that event with that hash: no cut tail, no rewritten history.
    """
    from ar_cli.reports.audit.verify import chain_anchor

    head = chain_anchor(state(ctx).ledger())
    typer.echo(str(head))
    typer.echo(
        f"keep this anchor outside the ledger: the chain's {head.count:,} event(s) up to here; "
        "check later with `ar-cli audit verify --anchor HASH:COUNT`",
        err=True,
    )


@app.command("verify")
@reads_ledger
def verify(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    anchor: str = typer.Option(
        None,
        "--anchor",
        metavar="HASH:COUNT",
        help="an anchor `audit anchor` printed earlier: the chain must still hold it",
    ),
) -> None:
    """Walk the audit hash chain, rebuild every event's money rows from the rows stored,
    recompute every claim balance and unapplied account from its entries, and tie each
    posted remittance to its payment; list each break with its id.

    Exit 0 when clean, 1 when anything is broken (for cron: a person must look).
    """
    from ar_cli.cli.render import emit
    from ar_cli.reports.audit.verify import Anchor, verify_ledger
    from ar_cli.reports.report import Column, Report

    kept = Anchor.parse(anchor) if anchor is not None else None
    result = verify_ledger(state(ctx).ledger(), anchor=kept)
    report = Report(
        name="findings",
        title=f"Audit verify: {len(result.findings)} break(s)",
        columns=[
            Column(key="check", title="Check"),
            Column(key="ref", title="What"),
            Column(key="message", title="Problem"),
        ],
        rows=[{"check": f.check, "ref": f.ref, "message": f.message} for f in result.findings],
    )
    old = (
        f" ({result.old_events:,} from before revision 0007, checked by their hashes only)" if result.old_events else ""
    )
    summary = (
        f"checked {result.events:,} audit events{old}, {result.money_rows:,} money rows, "
        f"{result.entries:,} entries, {result.balances:,} claim balances, {result.unapplied:,} unapplied "
        f"entries, {result.remittances:,} remittances"
        + (f", against anchor {kept.count:,}" if kept else "")
        + ": "
        + ("no breaks" if result.clean else f"{len(result.findings):,} break(s)")
    )
    if fmt == OutputFormat.table and output is None:
        if result.findings:
            emit(report, fmt=fmt, output=None, include_phi=False)
        typer.echo(summary)
    else:
        emit(report, fmt=fmt, output=output, include_phi=False, overwrite=overwrite)
        typer.echo(summary, err=True)
    for forced in result.forced:  # not a break: a person accepted it, and it ties (checked above)
        typer.echo(str(forced), err=not (fmt == OutputFormat.table and output is None))
    if not result.clean:
        raise typer.Exit(1)
