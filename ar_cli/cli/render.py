"""Rendering a Report as a Rich table, CSV or JSON; writing files safely.

Tables only on a terminal are decorated; JSON is `{"<name>": [...], "totals": {...}}`
with money as numbers with two decimals, dates ISO and ids as strings. Every file
written is masked for PHI unless the user passed --include-phi.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_to_text, format_money
from ar_cli.domain.phi import mask_date, mask_name, mask_value
from ar_cli.cli.formats import OutputFormat
from ar_cli.reports.report import Column, Kind, Report


_MONEY_MARK = "\x00money:"
_MONEY_RE = re.compile(r'"\\u0000money:(-?\d+\.\d\d)"')


def mask_cell(column: Column, value: Any) -> Any:
    if not column.phi or value in (None, ""):
        return value
    if column.kind == Kind.DATE:
        return mask_date(value)
    if "name" in column.key:
        return mask_name(value)
    return mask_value(value)


def _plain(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == Kind.MONEY:
        return cents_to_text(int(value))
    if column.kind == Kind.PERCENT:
        return f"{float(value):.4f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(report: Report, *, include_phi: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key for c in report.columns])
    for row in report.rows:
        writer.writerow([_plain(c, row.get(c.key) if include_phi else mask_cell(c, row.get(c.key)))
                         for c in report.columns])
    return buffer.getvalue()


def _json_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == Kind.MONEY:
        return _MONEY_MARK + cents_to_text(int(value))
    if column.kind == Kind.INT:
        return int(value)
    if column.kind == Kind.PERCENT:
        return round(float(value), 4)
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == Kind.ID:
        return str(value)
    return value


def to_json(report: Report, *, include_phi: bool) -> str:
    columns = {c.key: c for c in report.columns}

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in row.items():
            column = columns.get(key, Column(key=key, title=key))
            out[key] = _json_value(column, value if include_phi else mask_cell(column, value))
        return out

    body: dict[str, Any] = {report.name: [convert(r) for r in report.rows]}
    if report.totals is not None:
        body["totals"] = convert(report.totals)
    text = json.dumps(body, indent=2, ensure_ascii=False)
    return _MONEY_RE.sub(r"\1", text) + "\n"


def to_table(report: Report, *, width: int | None = None):
    from rich.table import Table

    table = Table(title=report.title, title_justify="left", header_style="bold",
                  show_footer=report.totals is not None)
    for column in report.columns:
        right = column.kind in (Kind.MONEY, Kind.INT, Kind.PERCENT)
        footer = ""
        if report.totals is not None:
            footer = _display(column, report.totals.get(column.key))
        table.add_column(column.title, justify="right" if right else "left", footer=footer,
                         no_wrap=column.kind in (Kind.MONEY, Kind.DATE, Kind.ID))
    for row in report.rows:
        table.add_row(*[_display(c, row.get(c.key)) for c in report.columns])
    return table


def _display(column: Column, value: Any) -> str:
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
    return str(value)


def write_text_file(path: Path, text: str, *, private: bool = False, bom: bool = False) -> None:
    """Write to a temporary name beside the target, then rename: never half a file."""
    target = path.expanduser()
    if target.is_dir():
        raise InputError(f"--output {path}: is a directory; give a file name")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--output {path}: folder {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=parent)
    except OSError as exc:
        raise InputError(f"--output {path}: cannot write there: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(report: Report, *, fmt: OutputFormat, output: Path | None, include_phi: bool) -> None:
    """Print or write a report in the format asked for."""
    if fmt == OutputFormat.table and output is None:
        from ar_cli.cli.console import stdout_console

        console = stdout_console()
        console.print(to_table(report))
        for note in report.notes:
            console.print(note)
        return
    if fmt == OutputFormat.table:
        fmt = OutputFormat.csv  # a file is for a machine: a table written to a file is CSV
    # On screen nothing is written, so PHI is only masked in files (and when piped).
    phi = include_phi or (output is None and sys.stdout.isatty())
    text = to_csv(report, include_phi=phi) if fmt == OutputFormat.csv else to_json(report, include_phi=phi)
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_file(output, text, private=include_phi)


def emit_sections(sections: list[Report], *, fmt: OutputFormat, output: Path | None,
                  include_phi: bool, csv_section: str) -> None:
    """A record shown in several parts (a claim): tables in turn; JSON as one object
    holding each part; CSV as the one part named `csv_section`."""
    if fmt == OutputFormat.table and output is None:
        from ar_cli.cli.console import stdout_console

        for section in sections:
            if section.rows:
                stdout_console().print(to_table(section))
        return
    if fmt == OutputFormat.json:
        merged: dict[str, Any] = {}
        for section in sections:
            merged.update(json.loads(to_json(section, include_phi=include_phi or
                                             (output is None and sys.stdout.isatty()))))
        text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            write_text_file(output, text, private=include_phi)
        return
    chosen = next(s for s in sections if s.name == csv_section)
    emit(chosen, fmt=OutputFormat.csv, output=output, include_phi=include_phi)
