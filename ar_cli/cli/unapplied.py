"""`ar-cli unapplied`: payer money that belongs to no claim line yet — list it, apply it."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import FormatOption, IncludePhiOption, OutputOption, OverwriteOption, PostingDateOption
from ar_cli.cli.state import parse_date, state, today

app = typer.Typer(help="Unapplied payer money: list it, apply it to a claim.", no_args_is_help=True)


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    payer: Annotated[str | None, typer.Option(help="Only this payer (its code, e.g. ACM01).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include entries already fully applied or closed.")] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List unapplied money per entry with what is still open on it (open ones unless --all)."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.unapplied import unapplied_report

    emit(
        unapplied_report(state(ctx).ledger(), payer=payer, include_closed=all_),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
    )


@app.command("apply")
@changes_ledger
def apply(
    ctx: typer.Context,
    unapplied_id: Annotated[int, typer.Argument(metavar="ID", help="Unapplied entry id (see `unapplied list`).")],
    claim: Annotated[str, typer.Option("--claim", help="Claim number to apply the money to.")],
    amount: Annotated[
        str | None,
        typer.Option(
            help="How much to apply (e.g. 50.00; more than 0; default: all that is open). "
            "A recoupment's sign comes from the entry."
        ),
    ] = None,
    posting_date: PostingDateOption = None,
) -> None:
    """Apply open unapplied money to a claim: a payment on the payer's coverage of the claim
    (a recoupment makes the payer owed again) and a linked entry out of unapplied."""
    from ar_cli.domain.errors import InputError, MoneyError
    from ar_cli.domain.money import cents_from_text, cents_to_text
    from ar_cli.services.posting.unapplied import apply_unapplied

    cents = None
    if amount is not None:
        try:
            cents = cents_from_text(amount)
        except MoneyError as exc:
            raise InputError(f"--amount: {exc}") from None
    st = state(ctx)
    done = apply_unapplied(
        st.ledger(),
        unapplied_id,
        claim_number=claim,
        amount=cents,
        actor=st.actor(),
        posting_date=parse_date(posting_date, "--posting-date") or today(),
    )
    typer.echo(
        f"unapplied entry {done.unapplied_id}: {cents_to_text(done.amount)} from {done.payer} applied "
        f"to claim {done.claim_number} (coverage {done.rank}); {cents_to_text(done.open_after)} still open"
    )
