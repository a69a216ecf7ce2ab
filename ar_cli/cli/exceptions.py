"""`ar-cli exceptions`: input held for a human — list it, settle it."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import FormatOption, IncludePhiOption, OutputOption, OverwriteOption, PostingDateOption
from ar_cli.cli.state import parse_date, state, today

app = typer.Typer(help="Exceptions held for a human: list, resolve, apply.", no_args_is_help=True)


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="open (default), accepted, dismissed, applied or all.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind (e.g. line_conflict, unmatched_claim).")] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List exceptions (open ones unless --status says otherwise)."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.exceptions import exceptions_report

    emit(
        exceptions_report(state(ctx).ledger(), status=status, kind=kind),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
    )


@app.command("resolve")
@changes_ledger
def resolve(
    ctx: typer.Context,
    exception_id: Annotated[int, typer.Argument(metavar="ID", help="Exception id (see `exceptions list`).")],
    accept: Annotated[bool, typer.Option("--accept", help="Apply the held values as a correction.")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="Keep the ledger as it is.")] = False,
    note: Annotated[str, typer.Option(help="Why (kept in the audit log).")] = "",
    posting_date: PostingDateOption = None,
) -> None:
    """Settle an exception: --accept applies a held conflict (reversing and new entries,
    never an overwrite); --dismiss keeps the ledger as it is."""
    from ar_cli.domain.errors import InputError
    from ar_cli.services.exceptions import resolve_exception

    if accept == dismiss:
        raise InputError("exceptions resolve: give exactly one of --accept or --dismiss")
    st = state(ctx)
    row = resolve_exception(
        st.ledger(),
        exception_id,
        accept=accept,
        note=note,
        actor=st.actor(),
        posting_date=parse_date(posting_date, "--posting-date") or today(),
    )
    typer.echo(f"exception {exception_id} {row.status}")


@app.command("apply")
@changes_ledger
def apply(
    ctx: typer.Context,
    exception_id: Annotated[int, typer.Argument(metavar="ID", help="Exception id of a parked ERA claim payment.")],
    claim: Annotated[str, typer.Option("--claim", help="Claim number (now in the ledger) the payment belongs to.")],
    posting_date: PostingDateOption = None,
) -> None:
    """Post a parked ERA claim payment (unmatched claim, payer or patient mismatch …) onto
    the claim you name, as its remittance would have: payments, write-downs, amounts moved
    to the patient or next payer, denials; its money leaves unapplied and the exception is
    marked applied. You confirm the patient; the payer must be on the claim. (Exceptions
    parked by an older ar-cli kept only the money: that is what they apply.)"""
    from ar_cli.domain.money import cents_to_text
    from ar_cli.services.posting.unapplied import apply_exception

    st = state(ctx)
    done = apply_exception(
        st.ledger(),
        exception_id,
        claim_number=claim,
        actor=st.actor(),
        posting_date=parse_date(posting_date, "--posting-date") or today(),
    )
    if done.posted is not None:
        typer.echo(
            f"exception {exception_id} applied: the claim payment from {done.payer} posted onto claim "
            f"{done.claim_number} (coverage {done.rank}): {done.posted.amounts()}"
        )
        return
    typer.echo(
        f"exception {exception_id} applied: {cents_to_text(done.amount)} from {done.payer} to claim "
        f"{done.claim_number} (coverage {done.rank})"
    )
