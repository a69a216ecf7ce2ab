"""`ar-cli aging`: open balances in age buckets (the group runs the report when no
subcommand is given); `aging snapshot` stores a date's buckets per payer; `aging trend`
shows how they moved across snapshots, as a table and a terminal chart."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import AsOfOption, FromOption, IncludePhiOption, OutputOption, OverwriteOption, ToOption
from ar_cli.cli.state import parse_date, state, today


class AgingFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


AgingFormatOption = Annotated[AgingFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="table on a terminal, or csv / json / xlsx for files and scripts (xlsx needs --output).")]
BucketsOption = Annotated[str | None, typer.Option(
    "--buckets", help="Upper edges of the buckets in days, strictly increasing, e.g. 30,60,90,120,180 "
    "(default: the aging.buckets setting).")]
PayerOption = Annotated[str | None, typer.Option(
    "--payer", help="Only balances this payer owes (code, alias or name).")]
# Older buckets are warmer; the palette is stretched over however many buckets there are.
WARMTH = ("green", "chartreuse3", "yellow3", "orange1", "dark_orange", "red", "bold red")
GLYPHS = "█▓▒░#=+*%@"

app = typer.Typer(help="Aging: open balances in age buckets (without a command: the report, with the "
                  "options below); `snapshot` stores a date's buckets, `trend` shows how they moved.",
                  invoke_without_command=True)


@app.callback()
@reads_ledger
def aging(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    buckets: BucketsOption = None,
    basis: Annotated[str, typer.Option(
        help="Count age from: service (date of service), billed, responsibility (the day the party "
        "now owing became responsible) or last-payment (else the billed date).")] = "service",
    by: Annotated[str, typer.Option(
        help="One row per payer, financial-class, patient, provider (rendering NPI) or claim.")] = "payer",
    responsibility: Annotated[str, typer.Option(
        help="Age insurance, patient or all balances.")] = "all",
    payer: PayerOption = None,
    financial_class: Annotated[str | None, typer.Option(
        help="Only balances owed by payers of this class (medicare, medicaid, commercial, self-pay, other).")] = None,
    min_balance: Annotated[str | None, typer.Option(
        help="Leave out balances smaller than this amount, credits by their size (e.g. 10.00).")] = None,
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
        given = [param.opts[0] for param in ctx.command.params
                 if ctx.get_parameter_source(param.name).name != "DEFAULT"]
        if given:
            raise InputError(f"{', '.join(given)}: put the options after `aging {ctx.invoked_subcommand}`")
        return
    from ar_cli.reports.aging.layout import AgingQuery

    query = AgingQuery(
        as_of=parse_date(as_of, "--as-of") or today(),
        edges=parse_edges(buckets) if buckets is not None else None,
        basis=parse_choice(Basis, basis, "--basis"), group_by=parse_choice(GroupBy, by, "--by"),
        party=parse_choice(Party, responsibility, "--responsibility"), payer=payer,
        financial_class=_financial_class(financial_class), min_balance=_cents(min_balance, "--min-balance"))
    fmt = _format_for(fmt, output)
    result = _from_summary_file(ctx, query)
    if result is None:
        from ar_cli.reports.aging.report import aging_report

        with state(ctx).ledger().read() as session:
            result = aging_report(session, query)
    name = f"aging_{query.as_of.isoformat()}"
    if fmt == AgingFormat.table:
        def draw(console, shown) -> None:
            _print_whole(console, _aging_table(replace(result, report=shown)))
            for note in shown.notes:
                console.print(note)

        _table(result.report, draw, output=output, include_phi=include_phi, overwrite=overwrite, name=name)
        return
    _emit(result.report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite, name=name)


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
    typer.echo(f"aging snapshot {when.isoformat()}: {format_money(done.total)} in buckets "
               f"{done.edges.text()} across {done.payers} payer(s) and the patient, credits "
               f"{format_money(done.credits)}; {done.rows} rows stored{replaced}")


@app.command("trend")
@reads_ledger
def trend(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="One point per week or month (its latest snapshot).")] = "month",
    from_: FromOption = None,
    to: ToOption = None,
    payer: PayerOption = None,
    buckets: Annotated[str | None, typer.Option(
        "--buckets", help="Use snapshots taken with these edges (default: those of the newest snapshot).")] = None,
    fmt: AgingFormatOption = AgingFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """How each aging bucket moved across snapshots: a table and a bar chart per period."""
    from ar_cli.domain.aging import parse_choice, parse_edges
    from ar_cli.reports.aging.trend import Period, TrendQuery, aging_trend

    query = TrendQuery(period=parse_choice(Period, period, "--period"), start=parse_date(from_, "--from"),
                       end=parse_date(to, "--to"), payer=payer,
                       edges=parse_edges(buckets) if buckets is not None else None)
    fmt = _format_for(fmt, output)
    with state(ctx).ledger().read() as session:
        result = aging_trend(session, query)
    name = "aging_trend" + "".join(f"_{d.isoformat()}" for d in (query.start, query.end) if d)
    if fmt == AgingFormat.table:
        def draw(console, shown) -> None:
            if result.points:
                _print_whole(console, _trend_table(replace(result, report=shown)))
                console.print(_trend_chart(result))
            for note in shown.notes:
                console.print(note)

        _table(result.report, draw, output=output, include_phi=include_phi, overwrite=overwrite, name=name)
        return
    _emit(result.report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite, name=name)


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


def _format_for(fmt: AgingFormat, output: str | None) -> AgingFormat:
    """A file named *.csv, *.json or *.xlsx is that format unless --format was given."""
    from ar_cli.cli.render import format_for

    fmt = format_for(fmt, output)
    if fmt == AgingFormat.xlsx and output is None:
        from ar_cli.domain.errors import InputError

        raise InputError("--format xlsx writes a workbook: give --output FILE.xlsx")
    return fmt


def _table(report, draw, *, output: str | None, include_phi: bool, overwrite: bool, name: str) -> None:
    """The Rich table on a terminal; elsewhere (a pipe, a cron log, --output FILE) the
    same table as plain text, PHI masked unless --include-phi."""
    from ar_cli.cli.render import deliver, mask_report, on_terminal, shows_phi, table_text

    phi = shows_phi(include_phi, output)
    shown = report if phi else mask_report(report)
    if output is None and on_terminal():
        from ar_cli.cli.console import stdout_console

        draw(stdout_console(), shown)
        return
    deliver(table_text(lambda console: draw(console, shown)), output=output, default_name=f"{name}.txt",
            phi=phi and any(c.phi for c in report.columns) and bool(report.rows), overwrite=overwrite,
            fmt="table", rows=len(report.rows))


def _emit(report, *, fmt: AgingFormat, output: str | None, include_phi: bool, overwrite: bool, name: str) -> None:
    """CSV and workbooks carry the totals as their last row (kind 'total'); JSON as `totals`."""
    from ar_cli.cli.formats import OutputFormat
    from ar_cli.cli.render import emit, emit_xlsx

    if fmt == AgingFormat.xlsx:
        emit_xlsx(report, output=output, include_phi=include_phi, overwrite=overwrite, name=name, totals_row=True)
        return
    emit(report, fmt=OutputFormat(fmt.value), output=output, include_phi=include_phi, overwrite=overwrite,
         name=name, totals_row=True)


def _print_whole(console, table) -> None:
    """Never cut an amount to fit the screen: a table narrower than its numbers is printed
    as wide as they need (the terminal wraps it; a file or pipe gets it whole)."""
    from rich.measure import Measurement

    needed = Measurement.get(console, console.options.update_width(1000), table).maximum
    width = console.width
    console.width = max(width, needed)
    try:
        console.print(table)
    finally:
        console.width = width


def _warmth(count: int) -> list[str]:
    if count == 1:
        return [WARMTH[0]]
    return [WARMTH[round(i * (len(WARMTH) - 1) / (count - 1))] for i in range(count)]


def _bucket_table(title: str, first: str, edges, extra: list[str]):
    """A Rich table: the row's name, one column per bucket (older ones warmer), then `extra`."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(first, min_width=10, max_width=18)
    for i, colour in enumerate(_warmth(edges.count)):
        table.add_column(Text(edges.label(i), style=f"bold {colour}"), justify="right", no_wrap=True)
    for name in extra:
        table.add_column(name, justify="right", no_wrap=True)
    return table


def _percent(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _aging_table(result):
    """Each bucket cell is its amount over its count of balances; credits only when any."""
    from rich.text import Text

    from ar_cli.domain.aging import OVER_DAYS
    from ar_cli.domain.money import format_money

    edges, report = result.edges, result.report
    colours = _warmth(edges.count)
    credits = result.total.credit_count > 0
    labels = [c for c in report.columns if c.key in result.label_keys]
    table = _bucket_table(f"{report.title} · age in days", labels[0].title, edges,
                          ["Total", "Share", f"> {OVER_DAYS} days"] + (["Credits"] if credits else []))

    def cell(amount: int, count: int, style: str) -> Text:
        if not count:
            return Text("-", style="dim")
        return Text.assemble((format_money(amount), style), "\n", (f"{count:,} bal.", "dim"))

    for row in [*report.rows, report.totals]:
        if row is report.totals:
            table.add_section()
        # The row's name over its detail (payer code over payer name), two lines like the cells.
        detail = " · ".join(str(row[c.key]) for c in labels[1:] if row.get(c.key))
        cells = [Text.assemble(str(row.get(labels[0].key, "")), *(("\n", (detail, "dim")) if detail else ()))]
        cells += [cell(row[edges.key(i)], row[f"{edges.key(i)}_count"], colours[i]) for i in range(edges.count)]
        cells += [cell(row["total"], row["count"], "bold"), _percent(row["share"]), _percent(row["over_90_share"])]
        if credits:
            cells.append(cell(row["credits"], row["credit_count"], "cyan"))
        table.add_row(*cells, style="bold" if row is report.totals else None)
    return table


def _trend_table(result):
    """One row per period (its latest snapshot): bucket amounts, total, change, % over 90."""
    from ar_cli.domain.aging import OVER_DAYS
    from ar_cli.domain.money import format_money

    edges, report = result.edges, result.report
    over = bool(edges.over(OVER_DAYS))
    credits = any(p.credits for p in result.points)
    table = _bucket_table(f"{report.title} · latest snapshot of each", "Snapshot", edges,
                          ["Total", "Change"] + ([f"> {OVER_DAYS} days"] if over else [])
                          + (["Credits"] if credits else []))
    for row in report.rows:
        change = row["change"]
        cells = [row["as_of"].isoformat()] + [format_money(row[edges.key(i)]) for i in range(edges.count)]
        cells += [format_money(row["total"]),
                  "" if change is None else ("+" if change > 0 else "") + format_money(change)]
        if over:
            cells.append(_percent(row["over_90_share"]))
        if credits:
            cells.append(format_money(row["credits"]))
        table.add_row(*cells)
    return table


def _trend_chart(result):
    """One stacked bar per period, bucket by bucket (a glyph each, and colour on a terminal)."""
    from rich.console import Group
    from rich.text import Text

    from ar_cli.domain.money import format_money

    edges, points, width = result.edges, result.points, 48
    colours, top = _warmth(edges.count), max((p.total for p in points), default=0) or 1
    lines = [Text("Open AR by bucket", style="bold")]
    for point in points:
        line = Text(f"{point.period:<9} ")
        for i, amount in enumerate(point.amounts):
            line.append(GLYPHS[i % len(GLYPHS)] * round(amount * width / top), style=colours[i])
        line.append(f" {format_money(point.total)}")
        lines.append(line)
    legend = Text("          ")
    for i in range(edges.count):
        legend.append(f"{GLYPHS[i % len(GLYPHS)]} {edges.label(i)}  ", style=colours[i])
    return Group(*lines, legend)
