"""`ar-cli claims`: import a charge file, list claims, show one claim in full."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import creates_ledger, reads_ledger
from ar_cli.cli.options import (
    FormatOption,
    FromOption,
    IncludePhiOption,
    OutputOption,
    OverwriteOption,
    PostingDateOption,
    ToOption,
)
from ar_cli.cli.state import parse_date, state, today

app = typer.Typer(help="Claims: import charges, list, show.", no_args_is_help=True)


@app.command("import")
@creates_ledger
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Charge export CSV: one row per claim line.")],
    posting_date: PostingDateOption = None,
) -> None:
    """Import claims from a practice-management CSV export (one file = one transaction).

    Rows the ledger already holds add nothing; a claim or line that exists with other
    values is held as an exception (exit 1) while the rest imports. A file with any
    unreadable row changes nothing and every bad row is named (exit 2).
    """
    from ar_cli.cli.progress import progress_reporter
    from ar_cli.cli.summaries import print_claims_import
    from ar_cli.services.claims.charge_file import import_claims

    st = state(ctx)
    when = parse_date(posting_date, "--posting-date") or today()
    with progress_reporter(f"Importing {file.name}") as progress:
        result = import_claims(st.ledger(), file, actor=st.actor(), posting_date=when, progress=progress)
    print_claims_import(result)
    if result.needs_attention:
        raise typer.Exit(1)


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    payer: Annotated[
        str | None, typer.Option(help="Only claims with this payer (code, alias or name) on any coverage.")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="billed, partially_paid, paid, denied, appealed, credit or closed.")
    ] = None,
    patient: Annotated[str | None, typer.Option(help="Only this patient account number.")] = None,
    from_: FromOption = None,
    to: ToOption = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows (all by default).", min=1)] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List claims with their charges and what insurance and the patient still owe."""
    from ar_cli.cli.render import emit
    from ar_cli.domain.errors import InputError
    from ar_cli.reports.claims.lists import CLAIM_STATUSES, ClaimFilter, claims_list

    if status and status not in CLAIM_STATUSES:
        raise InputError(f"--status: {status!r} is not one of {', '.join(CLAIM_STATUSES)}")
    start, end = parse_date(from_, "--from"), parse_date(to, "--to")
    if start and end and start > end:
        raise InputError("--from is after --to")
    flt = ClaimFilter(payer=payer, status=status, patient=patient, service_from=start, service_to=end, limit=limit)
    with state(ctx).ledger().read() as session:
        report = claims_list(session, flt)
    emit(report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite)


@app.command("show")
@reads_ledger
def show(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number (the patient control number).")],
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Show one claim: header, coverages, lines, every ledger entry, balances, notes.

    CSV gives the ledger entries; JSON gives every part.
    """
    from ar_cli.cli.render import emit_sections
    from ar_cli.reports.claims.lists import claim_detail

    with state(ctx).ledger().read() as session:
        detail = claim_detail(session, claim)
    emit_sections(
        detail.parts(),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        csv_section="entries",
        overwrite=overwrite,
        name=f"claim_{claim}",
    )
