"""What one cell of a written file holds: PHI masked, money a number, text that a
spreadsheet would run as a formula neutralised.

`mask_cell` is the only place that decides how a PHI column is masked (the values
themselves come from domain/phi.py). CSV text goes through the guard in
domain/spreadsheet_safety.py (an apostrophe before `= + - @`, tab, CR; claim and account
numbers that look numeric as `="00123"`). A workbook needs no apostrophe: its text is
stored as a string cell, which Excel and LibreOffice never evaluate.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from ar_cli.domain.money import cents_to_text
from ar_cli.domain.phi import mask_date, mask_name, mask_value
from ar_cli.domain.spreadsheet_safety import identifier_cell, neutralise
from ar_cli.reports.report import Column, Kind, Report

XLSX_FORMATS = {Kind.MONEY: "#,##0.00", Kind.PERCENT: "0.0%", Kind.INT: "#,##0", Kind.DATE: "yyyy-mm-dd"}


def mask_cell(column: Column, value: Any) -> Any:
    """A PHI column's value as written without --include-phi; other columns unchanged."""
    if not column.phi or value in (None, ""):
        return value
    if column.kind == Kind.DATE:
        return mask_date(value)
    if "name" in column.key:
        return mask_name(value)
    return mask_value(value)


def mask_report(report: Report) -> Report:
    """The same report with its PHI columns masked (rows and totals)."""
    phi = [c for c in report.columns if c.phi]
    if not phi:
        return report

    def masked(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, **{c.key: mask_cell(c, row.get(c.key)) for c in phi if c.key in row}}

    return replace(
        report, rows=[masked(r) for r in report.rows], totals=None if report.totals is None else masked(report.totals)
    )


def csv_cell(column: Column, value: Any, *, ids_as_text: bool = False) -> str:
    """One CSV cell, spreadsheet-safe. Money and counts are numbers and never neutralised."""
    return "" if value is None else _cell_writer(column, ids_as_text)(value)


def csv_formatter(column: Column, *, ids_as_text: bool = False):
    """The function that writes a (non-empty) value of this column: chosen once per
    column, not per cell (a ledger export writes millions of cells); text is cached, as
    most text columns repeat a few values (kind, payer, source file). `ids_as_text`:
    numeric-looking claim and account numbers as `="00123"` (the auditor's exports,
    made for Excel); listings keep them plain for scripts, guarded like any text."""
    write = _cell_writer(column, ids_as_text)
    if column.kind in (Kind.MONEY, Kind.INT, Kind.PERCENT, Kind.DATE):
        return write
    return lru_cache(maxsize=4096)(write)


def _cell_writer(column: Column, ids_as_text: bool):
    if column.kind == Kind.MONEY:
        return lambda value: cents_to_text(int(value))
    if column.kind == Kind.INT:
        return lambda value: str(int(value))
    if column.kind == Kind.PERCENT:
        return lambda value: f"{float(value):.4f}"
    if column.kind == Kind.DATE:
        # A masked birth date ('****-**-**') or a date that is not one stays text, guarded.
        return lambda value: value.isoformat() if isinstance(value, date) else neutralise(str(value))
    safe = identifier_cell if column.kind == Kind.ID and ids_as_text else neutralise
    return lambda value: value.isoformat() if isinstance(value, date) else safe(str(value))


def xlsx_formatter(sheet, column: Column):
    """The function that makes one write-only workbook cell of this column (chosen once
    per column): money in currency units with a money format, counts and shares as
    numbers, dates as dates, everything else a string cell — so `=HYPERLINK(…)` is shown
    as the text it is, without a quote the user would see. None for an empty value."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    style = XLSX_FORMATS.get(column.kind)

    def number(value):
        cell = WriteOnlyCell(sheet, value=value)
        if style:
            cell.number_format = style
        return cell

    def text(value: str):
        cell = WriteOnlyCell(sheet)
        # Assigning the value would let openpyxl read a leading '=' as a formula; a
        # string cell set directly is stored as text and never evaluated. XML 1.0 cannot
        # hold most control characters: they become U+FFFD rather than fail the file.
        cell._value, cell.data_type = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value), "s"
        return cell

    def write(value: Any):
        if value is None or value == "":
            return None
        if column.kind == Kind.MONEY:
            return number(int(value) / 100)  # display only; totals stay in cents
        if column.kind == Kind.INT:
            return number(int(value))
        if column.kind == Kind.PERCENT:
            return number(float(value))
        if isinstance(value, date):
            return number(value) if column.kind == Kind.DATE else text(value.isoformat())
        if column.kind == Kind.DATE and (day := _iso_day(str(value))) is not None:
            return number(day)
        return text(str(value))

    return write


def _iso_day(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
