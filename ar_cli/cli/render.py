"""Rendering a Report as a Rich table, CSV, JSON or XLSX, and putting it where it goes.

The cells, masking, file modes and atomic writes are reports/output's; this module
decides the cli's part: a table is decorated only on a terminal, and PHI is shown only
there. Anything else — a file, a pipe, a cron log — gets PHI masked unless the user
passed --include-phi, and then the write is an audit event (`output.phi`) naming the
command, where it went, how many rows and the hash of what was written.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ar_cli.cli.formats import OutputFormat
from ar_cli.domain.money import format_money
from ar_cli.reports.output import mask_cell, mask_report, report_csv, report_json, reports_json
from ar_cli.reports.report import Kind, Report

__all__ = [
    "deliver",
    "emit",
    "emit_sections",
    "emit_xlsx",
    "format_for",
    "mask_cell",
    "mask_report",
    "on_terminal",
    "output_suffix",
    "shows_phi",
    "table_text",
    "to_table",
]

Output = str | os.PathLike | None
EXTENSIONS = {OutputFormat.table: "txt", OutputFormat.csv: "csv", OutputFormat.json: "json"}


def on_terminal() -> bool:
    return sys.stdout.isatty()


def shows_phi(include_phi: bool, output: Output) -> bool:
    """PHI unmasked: when asked for, or on a terminal a person is looking at."""
    return include_phi or (output is None and on_terminal())


def to_table(report: Report, *, width: int | None = None):
    from rich.table import Table

    table = Table(title=report.title, title_justify="left", header_style="bold", show_footer=report.totals is not None)
    for column in report.columns:
        right = column.kind in (Kind.MONEY, Kind.INT, Kind.PERCENT)
        footer = ""
        if report.totals is not None:
            footer = _display(column, report.totals.get(column.key))
        table.add_column(
            column.title,
            justify="right" if right else "left",
            footer=footer,
            no_wrap=column.kind in (Kind.MONEY, Kind.DATE, Kind.ID),
        )
    for row in report.rows:
        table.add_row(*[_display(c, row.get(c.key)) for c in report.columns])
    return table


def _display(column, value: Any):
    from rich.text import Text

    if value is None or value == "":
        return ""
    if column.kind == Kind.MONEY:
        return format_money(int(value))
    if column.kind == Kind.PERCENT:
        return f"{float(value) * 100:.1f}%"
    if column.kind == Kind.INT:
        return f"{int(value):,}"
    if isinstance(value, date):
        return value.isoformat()
    return Text(str(value))  # text from a payer's file ("[N]") is shown as sent, not read as markup


def table_text(draw: Callable[[Any], None]) -> str:
    """What `draw(console)` prints, as plain text (no colour, no terminal codes): a
    table written to a file is the table, not CSV."""
    from rich.console import Console

    from ar_cli.cli.console import stdout_console

    buffer = io.StringIO()
    width = stdout_console().width if not on_terminal() else 160
    draw(
        Console(
            file=buffer,
            width=max(width, 80),
            no_color=True,
            force_terminal=False,
            highlight=False,
            soft_wrap=False,
            color_system=None,
        )
    )
    return buffer.getvalue()


def deliver(
    data: str | bytes, *, output: Output, default_name: str, phi: bool, overwrite: bool, fmt: str, rows: int
) -> None:
    """Put rendered output where it goes: stdout, or the file `--output` names (a folder
    gets `default_name`). `phi`: it holds unmasked PHI — the file is then 0600, and
    anywhere but a terminal the write is recorded in the audit log first."""
    if output is None:
        if phi and not on_terminal():
            _record_phi("stdout (a pipe or file)", data, fmt=fmt, rows=rows)
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    from ar_cli.reports.output import StagedFile, resolve_file

    target = resolve_file(output, default_name, overwrite=overwrite)
    staged = StagedFile.beside(target, private=phi, overwrite=overwrite)
    try:
        staged.write(data)
        if phi:
            _record_phi(str(target), data, fmt=fmt, rows=rows)
        staged.commit()
    except BaseException:
        staged.discard()
        raise


def _current_context(silent: bool = False):
    """The running command's context (typer ≥ 0.29 carries its own copy of click)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - an older typer on plain click
        from click import get_current_context
    return get_current_context(silent=silent)


def format_for(fmt: str, output: Output) -> str:
    """The format asked for; when --format was not given, a file named *.csv, *.json or
    *.xlsx is written in that format (any other name gets the table as text)."""
    suffix = output_suffix(output).lstrip(".")
    if suffix not in ("csv", "json", "xlsx"):
        return fmt
    ctx = _current_context(silent=True)
    if ctx is None or "fmt" not in ctx.params:
        return fmt
    source = ctx.get_parameter_source("fmt")
    if source is not None and source.name != "DEFAULT":
        return fmt
    choices = [f.value for f in type(fmt)]
    if suffix not in choices:
        from ar_cli.domain.errors import InputError

        raise InputError(
            f"--output {output}: this command writes {', '.join(choices)}, not {suffix}; "
            "give --format, or another file name"
        )
    return type(fmt)(suffix)


def _record_phi(where: str, data: str | bytes, *, fmt: str, rows: int) -> None:
    from ar_cli.cli.state import state
    from ar_cli.services.exports import record_phi_output

    ctx = _current_context()
    st = state(ctx)
    digest = hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()
    from ar_cli.domain.errors import InputError

    try:
        ledger = st.ledger()
    except InputError as exc:
        # PHI leaves only with an audit event; a command that reads no ledger (era show)
        # has nowhere to record one unless the ledger exists.
        raise InputError(
            f"--include-phi: writing PHI is recorded in the ledger's audit trail, and {exc}; "
            "leave out --include-phi, or name a ledger with --db"
        ) from None
    record_phi_output(
        ledger, actor=st.actor(), command=ctx.command_path, target=where, fmt=fmt, rows=rows, sha256=digest
    )


def _has_phi(report: Report) -> bool:
    return any(c.phi for c in report.columns) and bool(report.rows or report.totals)


def emit(
    report: Report,
    *,
    fmt: OutputFormat,
    output: Output,
    include_phi: bool,
    overwrite: bool = False,
    name: str | None = None,
    totals_row: bool = False,
) -> None:
    """Print or write a report in the format asked for. `name` (default the report's)
    names the file when --output is a folder; `totals_row`: CSV carries the totals as its
    last row instead of dropping them."""
    fmt = format_for(fmt, output)
    phi = shows_phi(include_phi, output)
    stem = name or report.name
    if fmt == OutputFormat.table:
        shown = report if phi else mask_report(report)
        if output is None and on_terminal():
            from ar_cli.cli.console import stdout_console

            _print_report(stdout_console(), shown)
            return
        text = table_text(lambda console: _print_report(console, shown))
    elif fmt == OutputFormat.csv:
        text = report_csv(report, include_phi=phi, totals_row=totals_row)
    else:
        text = report_json(report, include_phi=phi)
    deliver(
        text,
        output=output,
        default_name=f"{stem}.{EXTENSIONS[fmt]}",
        phi=phi and _has_phi(report),
        overwrite=overwrite,
        fmt=fmt.value,
        rows=len(report.rows),
    )


def _print_report(console, report: Report) -> None:
    console.print(to_table(report))
    for note in report.notes:
        console.print(note)


def emit_sections(
    sections: list[Report],
    *,
    fmt: OutputFormat,
    output: Output,
    include_phi: bool,
    csv_section: str,
    overwrite: bool = False,
    name: str | None = None,
) -> None:
    """A record shown in several parts (a claim): tables in turn; JSON as one object
    holding each part; CSV as the one part named `csv_section`."""
    fmt = format_for(fmt, output)
    phi = shows_phi(include_phi, output)
    has_phi = phi and any(_has_phi(s) for s in sections)
    stem = name or sections[0].name
    if fmt == OutputFormat.table:
        shown = [s if phi else mask_report(s) for s in sections if s.rows]

        def draw(console) -> None:
            for section in shown:
                console.print(to_table(section))

        if output is None and on_terminal():
            from ar_cli.cli.console import stdout_console

            draw(stdout_console())
            return
        deliver(
            table_text(draw),
            output=output,
            default_name=f"{stem}.txt",
            phi=has_phi,
            overwrite=overwrite,
            fmt="table",
            rows=sum(len(s.rows) for s in sections),
        )
        return
    if fmt == OutputFormat.json:
        deliver(
            reports_json(sections, include_phi=phi),
            output=output,
            default_name=f"{stem}.json",
            phi=has_phi,
            overwrite=overwrite,
            fmt="json",
            rows=sum(len(s.rows) for s in sections),
        )
        return
    chosen = next(s for s in sections if s.name == csv_section)
    emit(chosen, fmt=OutputFormat.csv, output=output, include_phi=include_phi, overwrite=overwrite, name=stem)


def emit_xlsx(
    report: Report,
    *,
    output: Output,
    include_phi: bool,
    overwrite: bool,
    name: str | None = None,
    totals_row: bool = False,
) -> None:
    """A one-sheet workbook (only to a file: a terminal cannot show one)."""
    from ar_cli.reports.output.tabular import report_xlsx

    if output is None:
        from ar_cli.domain.errors import InputError

        raise InputError("--format xlsx writes a workbook: give --output FILE.xlsx")
    data = report_xlsx(report, include_phi=include_phi, totals_row=totals_row)
    deliver(
        data,
        output=output,
        default_name=f"{name or report.name}.xlsx",
        phi=include_phi and _has_phi(report),
        overwrite=overwrite,
        fmt="xlsx",
        rows=len(report.rows),
    )


def output_suffix(output: Output) -> str:
    """The suffix of the file --output names ('' for a folder)."""
    if output is None:
        return ""
    from ar_cli.reports.output.files import is_folder

    return "" if is_folder(output) else Path(os.fspath(output)).suffix.lower()
