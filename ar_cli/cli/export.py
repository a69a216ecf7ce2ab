"""`ar-cli export KIND`: files for an auditor — ledger entries, claims, remittances,
denials or the audit log over a range of posting dates, with a manifest beside each."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.ledger_use import reads_ledger
from ar_cli.cli.options import FromOption, IncludePhiOption, OverwriteOption, ToOption
from ar_cli.cli.state import parse_date, state


@reads_ledger
def export(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="What to export: ledger (one row per entry, with its source), claims, remittances, denials or audit.",
        ),
    ],
    from_: FromOption = None,
    to: ToOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv (default; xlsx when --output ends in .xlsx) or xlsx.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write, or a folder (a path ending in / or naming a folder; created "
            "when missing): the file is then named KIND_FROM_TO.csv. The manifest is written beside it as "
            "FILE.manifest.json. An existing file is never replaced without --overwrite.",
        ),
    ] = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
    bom: Annotated[
        bool,
        typer.Option("--bom", help="Start the CSV with a UTF-8 byte-order mark (older Excel needs it for accents)."),
    ] = False,
) -> None:
    """Export KIND for the posting dates --from..--to (both included) to --output.

    Amounts are numbers, dates ISO, claim and account numbers text, and text that would
    start a spreadsheet formula is neutralised. Patient names, birth dates and member
    ids are masked unless --include-phi (recorded in the audit log; the file is then
    readable by you only). Every export is an audit event.
    """
    from ar_cli.domain.errors import InputError
    from ar_cli.domain.export import ExportRequest, parse_format, parse_kind
    from ar_cli.reports.exports.run import run_export

    chosen = parse_kind(kind)
    start, end = parse_date(from_, "--from"), parse_date(to, "--to")
    if start is None or end is None:
        raise InputError("export: give the posting dates with --from YYYY-MM-DD and --to YYYY-MM-DD")
    if fmt is None:
        from ar_cli.cli.render import output_suffix

        fmt = "xlsx" if output_suffix(output) == ".xlsx" else "csv"
    request = ExportRequest(kind=chosen, start=start, end=end, fmt=parse_format(fmt), include_phi=include_phi, bom=bom)
    st = state(ctx)
    done = run_export(st.ledger(), request, output=output, actor=st.actor(), overwrite=overwrite)
    totals = ", ".join(f"{key} {value}" for key, value in done.manifest["totals"].items())
    typer.echo(
        f"{done.path}: {done.manifest['rows']:,} {chosen.value} rows"
        + (f" ({totals})" if totals else "")
        + f", PHI {done.manifest['phi']}; sha256 {done.manifest['sha256']}"
    )
    typer.echo(f"{done.manifest_path}: manifest (audit event {done.audit_event_id})")
