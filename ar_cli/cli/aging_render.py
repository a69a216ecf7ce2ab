"""How `ar-cli aging` and `aging trend` show their results: the output formats, where a
table goes (a terminal, or plain text to a pipe or file with PHI masked), CSV, JSON and
workbooks with a totals row, and the Rich tables (older buckets warmer) and trend chart.

Rich is imported inside the functions, so importing this module costs `aging`'s start-up
nothing. The commands are in cli/aging.py.
"""

from __future__ import annotations

from enum import StrEnum


class AgingFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


# Older buckets are warmer; the palette is stretched over however many buckets there are.
WARMTH = ("green", "chartreuse3", "yellow3", "orange1", "dark_orange", "red", "bold red")
GLYPHS = "█▓▒░#=+*%@"


def choose_format(fmt: AgingFormat, output: str | None) -> AgingFormat:
    """A file named *.csv, *.json or *.xlsx is that format unless --format was given."""
    from ar_cli.cli.render import format_for

    fmt = format_for(fmt, output)
    if fmt == AgingFormat.xlsx and output is None:
        from ar_cli.domain.errors import InputError

        raise InputError("--format xlsx writes a workbook: give --output FILE.xlsx")
    return fmt


def show_table(report, draw, *, output: str | None, include_phi: bool, overwrite: bool, name: str) -> None:
    """The Rich table on a terminal; elsewhere (a pipe, a cron log, --output FILE) the
    same table as plain text, PHI masked unless --include-phi."""
    from ar_cli.cli.render import deliver, mask_report, on_terminal, shows_phi, table_text

    phi = shows_phi(include_phi, output)
    shown = report if phi else mask_report(report)
    if output is None and on_terminal():
        from ar_cli.cli.console import stdout_console

        draw(stdout_console(), shown)
        return
    deliver(
        table_text(lambda console: draw(console, shown)),
        output=output,
        default_name=f"{name}.txt",
        phi=phi and any(c.phi for c in report.columns) and bool(report.rows),
        overwrite=overwrite,
        fmt="table",
        rows=len(report.rows),
    )


def emit_report(report, *, fmt: AgingFormat, output: str | None, include_phi: bool, overwrite: bool, name: str) -> None:
    """CSV and workbooks carry the totals as their last row (kind 'total'); JSON as `totals`."""
    from ar_cli.cli.formats import OutputFormat
    from ar_cli.cli.render import emit, emit_xlsx

    if fmt == AgingFormat.xlsx:
        emit_xlsx(report, output=output, include_phi=include_phi, overwrite=overwrite, name=name, totals_row=True)
        return
    emit(
        report,
        fmt=OutputFormat(fmt.value),
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
        name=name,
        totals_row=True,
    )


def print_whole(console, table) -> None:
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


def aging_table(result):
    """Each bucket cell is its amount over its count of balances; credits only when any."""
    from rich.text import Text

    from ar_cli.domain.aging import OVER_DAYS
    from ar_cli.domain.money import format_money

    edges, report = result.edges, result.report
    colours = _warmth(edges.count)
    credits = result.total.credit_count > 0
    labels = [c for c in report.columns if c.key in result.label_keys]
    table = _bucket_table(
        f"{report.title} · age in days",
        labels[0].title,
        edges,
        ["Total", "Share", f"> {OVER_DAYS} days"] + (["Credits"] if credits else []),
    )

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


def trend_table(result):
    """One row per period (its latest snapshot): bucket amounts, total, change, % over 90."""
    from ar_cli.domain.aging import OVER_DAYS
    from ar_cli.domain.money import format_money

    edges, report = result.edges, result.report
    over = bool(edges.over(OVER_DAYS))
    credits = any(p.credits for p in result.points)
    table = _bucket_table(
        f"{report.title} · latest snapshot of each",
        "Snapshot",
        edges,
        ["Total", "Change"] + ([f"> {OVER_DAYS} days"] if over else []) + (["Credits"] if credits else []),
    )
    for row in report.rows:
        change = row["change"]
        cells = [row["as_of"].isoformat()] + [format_money(row[edges.key(i)]) for i in range(edges.count)]
        cells += [
            format_money(row["total"]),
            "" if change is None else ("+" if change > 0 else "") + format_money(change),
        ]
        if over:
            cells.append(_percent(row["over_90_share"]))
        if credits:
            cells.append(format_money(row["credits"]))
        table.add_row(*cells)
    return table


def trend_chart(result):
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
