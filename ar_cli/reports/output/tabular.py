"""Whole tabular files from columns and rows: CSV, XLSX and JSON.

A row is a list in column order (the export path streams millions of them); a Report's
dict rows are turned into such lists by `report_rows`, masked unless PHI is included.
Money is integer cents until a cell is written: `123.45` in CSV and JSON, a number with
a money format in a workbook.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from ar_cli.domain.money import cents_to_text
from ar_cli.reports.output.cells import csv_formatter, mask_cell, xlsx_formatter
from ar_cli.reports.report import Column, Kind, Report

_MONEY_MARK = "\x00money:"
_MONEY_RE = re.compile(r'"\\u0000money:(-?\d+\.\d\d)"')


def write_csv(
    handle: IO[str],
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    line_end: str = "\r\n",
    ids_as_text: bool = False,
) -> None:
    """A header of column keys, then one spreadsheet-safe line per row (`ids_as_text`:
    see cells.csv_formatter)."""
    writers = [csv_formatter(c, ids_as_text=ids_as_text) for c in columns]
    # Python 3.11's writer quotes a cell only for the characters of its own line
    # terminator: with "\n", a cell holding a bare CR is written unquoted, and every
    # reader (Excel too) starts a new row there, the rest of the cell a cell of its own.
    # Writing with "\r\n" quotes both; each row's ending is then put back as asked.
    if line_end != "\r\n":
        handle = _LineEnd(handle, line_end)
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow(["" if value is None else write(value) for write, value in zip(writers, row)])


class _LineEnd:
    """A text handle that writes each row (one `write` per row from csv.writer) with
    `line_end` in place of its final CRLF."""

    def __init__(self, handle: IO[str], line_end: str) -> None:
        self.handle, self.line_end = handle, line_end

    def write(self, row: str) -> int:
        return self.handle.write(row[:-2] + self.line_end)


def write_xlsx(
    target: Path | IO[bytes], sheet_name: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> None:
    """One sheet (write-only, so memory stays flat): a header, then typed cells."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(sheet_name))
    sheet.append([c.key for c in columns])
    writers = [xlsx_formatter(sheet, c) for c in columns]
    for row in rows:
        sheet.append([write(value) for write, value in zip(writers, row)])
    book.save(target)


def _sheet_title(name: str) -> str:
    # Excel refuses []:*?/\ in a sheet title and more than 31 characters.
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"


def report_rows(report: Report, *, include_phi: bool, totals_row: bool = False) -> Iterator[list[Any]]:
    """The report's rows (and its totals as the last row when asked) in column order,
    PHI masked unless included."""
    rows = [*report.rows, *([report.totals] if totals_row and report.totals else [])]
    for row in rows:
        yield [row.get(c.key) if include_phi else mask_cell(c, row.get(c.key)) for c in report.columns]


def report_csv(report: Report, *, include_phi: bool, totals_row: bool = False, line_end: str = "\n") -> str:
    buffer = io.StringIO()
    write_csv(
        buffer, report.columns, report_rows(report, include_phi=include_phi, totals_row=totals_row), line_end=line_end
    )
    return buffer.getvalue()


def report_xlsx(report: Report, *, include_phi: bool, totals_row: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, report.name, report.columns, report_rows(report, include_phi=include_phi, totals_row=totals_row))
    return buffer.getvalue()


def money_number(cents: int) -> str:
    """An amount marked to be written by `json_with_money` as a number with two decimals."""
    return _MONEY_MARK + cents_to_text(int(cents))


def json_with_money(body: Any) -> str:
    """JSON in which marked amounts are numbers with two decimals (`123.45`, as every
    amount we write; a float would drop the trailing zero)."""
    return _MONEY_RE.sub(r"\1", json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


def _json_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == Kind.MONEY:
        return money_number(int(value))
    if column.kind == Kind.INT:
        return int(value)
    if column.kind == Kind.PERCENT:
        return round(float(value), 4)
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == Kind.ID:
        return str(value)
    return value


def report_body(report: Report, *, include_phi: bool) -> dict[str, Any]:
    """`{"<name>": [...], "totals": {...}}` with money marked for `json_with_money`."""
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
    return body


def report_json(report: Report, *, include_phi: bool) -> str:
    return json_with_money(report_body(report, include_phi=include_phi))


def reports_json(reports: Sequence[Report], *, include_phi: bool) -> str:
    """Several reports as one JSON object, one named list each (a claim's parts)."""
    body: dict[str, Any] = {}
    for report in reports:
        body.update(report_body(report, include_phi=include_phi))
    return json_with_money(body)
