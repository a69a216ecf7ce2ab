"""`ar-cli kpis`: days in AR, collection rates, denial rate, first-pass resolution,
AR over 90 days and days to payment per payer — each with its formula and its parts."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import reads_ledger
from ar_cli.cli.options import FormatOption, FromOption, OutputOption, OverwriteOption, ToOption
from ar_cli.cli.state import parse_date, state, today


@reads_ledger
def kpis(
    ctx: typer.Context,
    from_: FromOption = None,
    to: ToOption = None,
    rows: Annotated[
        bool,
        typer.Option(
            "--rows",
            help="Also list what each KPI counted: one row per claim (or payer) with its numerator and denominator.",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Key numbers for --from..--to (default: the month to --to, --to default today), each
    with its formula, numerator and denominator. Amounts count entries posted by --to."""
    from ar_cli.domain.errors import InputError
    from ar_cli.reports.kpis import KpiQuery, kpi_report

    end = parse_date(to, "--to") or today()
    start = parse_date(from_, "--from") or end.replace(day=1)
    if start > end:
        raise InputError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
    with state(ctx).ledger().read() as session:
        result = kpi_report(session, KpiQuery(start=start, end=end, rows=rows))
    from ar_cli.cli.render import format_for

    name = f"kpis_{start.isoformat()}_{end.isoformat()}"
    fmt = format_for(fmt, output)
    if fmt == OutputFormat.table:
        from ar_cli.cli.render import deliver, on_terminal, table_text

        if output is None and on_terminal():
            _print(result)
        else:  # KPIs are counts and sums: no PHI to mask
            deliver(
                table_text(lambda console: _print(result, console)),
                output=output,
                default_name=f"{name}.txt",
                phi=False,
                overwrite=overwrite,
                fmt="table",
                rows=len(result.kpis),
            )
        return
    from ar_cli.cli.render import deliver, emit
    from ar_cli.reports.output.tabular import reports_json

    if fmt == OutputFormat.json and result.rows is not None:
        deliver(
            reports_json([result.report, result.rows], include_phi=False),
            output=output,
            default_name=f"{name}.json",
            phi=False,
            overwrite=overwrite,
            fmt="json",
            rows=len(result.kpis),
        )
        return
    chosen = result.rows if (rows and fmt == OutputFormat.csv) else result.report
    emit(chosen, fmt=fmt, output=output, include_phi=False, overwrite=overwrite, name=name)


def _print(result, console=None) -> None:
    from rich.table import Table

    from ar_cli.cli.console import stdout_console
    from ar_cli.cli.render import to_table
    from ar_cli.domain.kpis import Measure, Unit
    from ar_cli.domain.money import format_money

    def part(value: int, measure) -> str:
        return format_money(value) if measure == Measure.MONEY else f"{value:,} {measure.value}"

    table = Table(title=result.report.title, title_justify="left", header_style="bold")
    for name, right in (
        ("KPI", False),
        ("Value", True),
        ("Numerator", True),
        ("Denominator", True),
        ("Formula", False),
    ):
        table.add_column(name, justify="right" if right else "left", no_wrap=right)
    previous = ""
    for kpi in result.kpis:
        formula, previous = ("(as above)" if kpi.formula == previous else kpi.formula), kpi.formula
        if kpi.value is None:
            value = "n/a"
        elif kpi.unit == Unit.RATIO:
            value = f"{kpi.value * 100:.1f}%"
        else:
            value = f"{kpi.value} days"
        table.add_row(
            kpi.name,
            value,
            part(kpi.numerator, kpi.numerator_measure),
            part(kpi.denominator, kpi.denominator_measure),
            formula,
        )
    console = console or stdout_console()
    console.print(table)
    if result.rows is not None:
        console.print(to_table(result.rows))
