"""`ar-cli aging`: open balances in age buckets (the group runs the report when no
subcommand is given); `aging snapshot` stores a date's buckets per payer; `aging trend`
shows how they moved across snapshots, as a table and a terminal chart. How the results
are shown (formats, tables, the chart) is in cli/aging_render.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.aging_render import (
    AgingFormat,
    aging_table,
    choose_format,
    emit_report,
    print_whole,
    show_table,
    trend_chart,
    trend_table,
)
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import AsOfOption, FromOption, IncludePhiOption, OutputOption, OverwriteOption, ToOption
from ar_cli.cli.state import parse_date, state, today

AgingFormatOption = Annotated[
    AgingFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table on a terminal, or csv / json / xlsx for files and scripts (xlsx needs --output).",
    ),
]
BucketsOption = Annotated[
    str | None,
    typer.Option(
        "--buckets",
        help="Upper edges of the buckets in days, strictly increasing, e.g. 30,60,90,120,180 "
        "(default: the aging.buckets setting).",
    ),
]
PayerOption = Annotated[
    str | None, typer.Option("--payer", help="Only balances this payer owes (code, alias or name).")
]

app = typer.Typer(
    help="Aging: open balances in age buckets (without a command: the report, with the "
    "options below); `snapshot` stores a date's buckets, `trend` shows how they moved.",
    invoke_without_command=True,
)


@app.callback()
@reads_ledger
def aging(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    buckets: BucketsOption = None,
    basis: Annotated[
        str,
        typer.Option(
            help="Count age from: service (date of service), billed, responsibility (the day the party "
            "now owing became responsible) or last-payment (else the billed date)."
        ),
    ] = "service",
    by: Annotated[
        str, typer.Option(help="One row per payer, financial-class, patient, provider (rendering NPI) or claim.")
    ] = "payer",
    responsibility: Annotated[str, typer.Option(help="Age insurance, patient or all balances.")] = "all",
    payer: PayerOption = None,
    financial_class: Annotated[
        str | None,
        typer.Option(
            help="Only balances owed by payers of this class (medicare, medicaid, commercial, self-pay, other)."
        ),
    ] = None,
    min_balance: Annotated[
        str | None,
        typer.Option(help="Leave out balances smaller than this amount, credits by their size (e.g. 10.00)."),
    ] = None,
    fmt: AgingFormatOption = AgingFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Open balances in age buckets: amount and count per bucket, total, share, AR over 90 days.

    Each claim's balance per responsibility is aged; credits are shown apart, never in a
    bucket. As of a past date, balances are the entries posted on or before it.
    """
    from ar_cli.domain.aging import Basis, GroupBy, Party, parse_choice, parse_edges
    from ar_cli.domain.errors import InputError

    if ctx.invoked_subcommand is not None:
        given = [
            param.opts[0] for param in ctx.command.params if ctx.get_parameter_source(param.name).name != "DEFAULT"
        ]
        if given:
            raise InputError(f"{', '.join(given)}: put the options after `aging {ctx.invoked_subcommand}`")
        return
    from ar_cli.reports.aging.layout import AgingQuery

    query = AgingQuery(
        as_of=parse_date(as_of, "--as-of") or today(),
        edges=parse_edges(buckets) if buckets is not None else None,
        basis=parse_choice(Basis, basis, "--basis"),
        group_by=parse_choice(GroupBy, by, "--by"),
        party=parse_choice(Party, responsibility, "--responsibility"),
        payer=payer,
        financial_class=_financial_class(financial_class),
        min_balance=_cents(min_balance, "--min-balance"),
    )
    fmt = choose_format(fmt, output)
    result = _from_summary_file(ctx, query)
    if result is None:
        from ar_cli.reports.aging.report import aging_report

        with state(ctx).ledger().read() as session:
            result = aging_report(session, query)
    name = f"aging_{query.as_of.isoformat()}"
    if fmt == AgingFormat.table:

        def draw(console, shown) -> None:
            print_whole(console, aging_table(replace(result, report=shown)))
            for note in shown.notes:
                console.print(note)

        show_table(result.report, draw, output=output, include_phi=include_phi, overwrite=overwrite, name=name)
        return
    emit_report(result.report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite, name=name)


@app.command("snapshot")
@changes_ledger
def snapshot(ctx: typer.Context, as_of: AsOfOption = None, buckets: BucketsOption = None) -> None:
    """Store the date's aging per payer (ages from the date of service), for `aging trend`.

    Taking the same date again replaces its snapshot; audited.
    """
    from ar_cli.domain.aging import parse_edges
    from ar_cli.domain.money import format_money
    from ar_cli.reports.aging.report import snapshot_measure
    from ar_cli.services.aging_snapshot import take_snapshot

    when = parse_date(as_of, "--as-of") or today()
    edges = parse_edges(buckets) if buckets is not None else None
    st = state(ctx)
    done = take_snapshot(st.ledger(), as_of=when, edges=edges, actor=st.actor(), measure=snapshot_measure)
    replaced = f"; replaced the earlier snapshot of that date ({done.replaced} rows)" if done.replaced else ""
    typer.echo(
        f"aging snapshot {when.isoformat()}: {format_money(done.total)} in buckets "
        f"{done.edges.text()} across {done.payers} payer(s) and the patient, credits "
        f"{format_money(done.credits)}; {done.rows} rows stored{replaced}"
    )


@app.command("trend")
@reads_ledger
def trend(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="One point per week or month (its latest snapshot).")] = "month",
    from_: FromOption = None,
    to: ToOption = None,
    payer: PayerOption = None,
    buckets: Annotated[
        str | None,
        typer.Option("--buckets", help="Use snapshots taken with these edges (default: those of the newest snapshot)."),
    ] = None,
    fmt: AgingFormatOption = AgingFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """How each aging bucket moved across snapshots: a table and a bar chart per period."""
    from ar_cli.domain.aging import parse_choice, parse_edges
    from ar_cli.reports.aging.trend import Period, TrendQuery, aging_trend

    query = TrendQuery(
        period=parse_choice(Period, period, "--period"),
        start=parse_date(from_, "--from"),
        end=parse_date(to, "--to"),
        payer=payer,
        edges=parse_edges(buckets) if buckets is not None else None,
    )
    fmt = choose_format(fmt, output)
    with state(ctx).ledger().read() as session:
        result = aging_trend(session, query)
    name = "aging_trend" + "".join(f"_{d.isoformat()}" for d in (query.start, query.end) if d)
    if fmt == AgingFormat.table:

        def draw(console, shown) -> None:
            if result.points:
                print_whole(console, trend_table(replace(result, report=shown)))
                console.print(trend_chart(result))
            for note in shown.notes:
                console.print(note)

        show_table(result.report, draw, output=output, include_phi=include_phi, overwrite=overwrite, name=name)
        return
    emit_report(result.report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite, name=name)


def _from_summary_file(ctx: typer.Context, query):
    """On a SQLite ledger, as of today: the summary read with sqlite3 alone (no SQLAlchemy
    to import: most of `aging`'s start-up). None: open the ledger the usual way."""
    location = state(ctx).location()
    if location.sqlite_path is None:
        return None
    from ar_cli.reports.aging.today import aging_from_summary_file

    result = aging_from_summary_file(location.sqlite_path, query)
    if result is not None:
        _say_if_empty(ctx, location.sqlite_path)
    return result


def _say_if_empty(ctx: typer.Context, path: Path) -> None:
    """As CliState.ledger() says for the usual path: an empty ledger's report says so."""
    from ar_cli.store.ledger_contents import file_is_empty

    if file_is_empty(path):
        state(ctx).say_empty()


def _financial_class(text: str | None) -> str | None:
    if text is None:
        return None
    from ar_cli.domain.aging import parse_choice
    from ar_cli.domain.payers import FinancialClass

    return parse_choice(FinancialClass, text, "--financial-class").value


def _cents(text: str | None, option: str) -> int:
    if text is None:
        return 0
    from ar_cli.domain.errors import InputError, MoneyError
    from ar_cli.domain.money import cents_from_text

    try:
        return cents_from_text(text, allow_negative=False)
    except MoneyError as exc:
        raise InputError(f"{option}: {exc}") from None
