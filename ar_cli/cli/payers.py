"""`ar-cli payers`: list payers, set their rules, add the ids their remittances use."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import FormatOption, IncludePhiOption, OutputOption, OverwriteOption
from ar_cli.cli.state import limited, state

app = typer.Typer(help="Payers: list, set rules, add ids.", no_args_is_help=True)


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List payers with their class, filing limit, appeal windows, ids and what they owe."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.payers import payers_report

    emit(payers_report(state(ctx).ledger()), fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite)


@app.command("set")
@changes_ledger
def set_(
    ctx: typer.Context,
    payer: Annotated[str, typer.Argument(help="Payer code, alias or name.")],
    timely_filing: Annotated[str | None, typer.Option(help="Filing limit: days or months, e.g. 90d or 12m.")] = None,
    appeal_window: Annotated[list[str] | None, typer.Option(help="LEVEL=DAYS, repeatable (e.g. 1=120 2=180).")] = None,
    financial_class: Annotated[
        str | None, typer.Option(help="medicare, medicaid, commercial, self-pay or other.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="The payer's display name.")] = None,
) -> None:
    """Change a payer's timely-filing limit, appeal windows, financial class or name."""
    from ar_cli.domain.errors import InputError
    from ar_cli.domain.field_limits import PAYER_NAME
    from ar_cli.domain.payers import FinancialClass, parse_appeal_window, parse_timely_filing
    from ar_cli.services.payers import set_payer

    if name is not None:
        limited(name, PAYER_NAME, "--name")
    limit = parse_timely_filing(timely_filing) if timely_filing else None
    windows = [parse_appeal_window(w) for w in appeal_window or []]
    klass = None
    if financial_class:
        try:
            klass = FinancialClass(financial_class.lower())
        except ValueError:
            raise InputError(
                f"--financial-class: {financial_class!r} is not one of {', '.join(c.value for c in FinancialClass)}"
            ) from None
    st = state(ctx)
    code = set_payer(
        st.ledger(),
        payer,
        actor=st.actor(),
        timely_filing=limit,
        appeal_windows=windows,
        financial_class=klass,
        name=name,
    )
    typer.echo(f"payer {code} updated")


@app.command("alias")
@changes_ledger
def alias(
    ctx: typer.Context,
    payer: Annotated[str, typer.Argument(help="Payer code, alias or name.")],
    payer_id: Annotated[
        str, typer.Argument(metavar="ID", help="An id the payer's remittances use (TRN03, N1*PR, REF*2U).")
    ],
) -> None:
    """Add an id by which remittances name this payer."""
    from ar_cli.domain.field_limits import PAYER_CODE
    from ar_cli.services.payers import add_alias

    limited(payer_id, PAYER_CODE, "ID")
    st = state(ctx)
    code = add_alias(st.ledger(), payer, payer_id, actor=st.actor())
    typer.echo(f"payer {code} is also known as {payer_id.strip().upper()}")
