"""Writing an auditor export: the file, its manifest beside it, never half of either.

CSV that opens cleanly in Excel: UTF-8 (a byte-order mark with `bom`), ISO dates,
amounts as plain numbers (`-54.03`) so sums work, claim/account numbers kept text,
text cells that would start a formula neutralised (domain/spreadsheet_safety.py).
A workbook (xlsx) types each cell instead: numbers with a money format, real dates,
strings. PHI columns are masked unless the request includes PHI; a file with PHI is
mode 0600.

Both files are written under temporary names in the target folder; `Staged.commit()`
renames them into place (after the caller has recorded the export), `discard()`
removes them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ar_cli import __version__
from ar_cli.domain.errors import InputError
from ar_cli.domain.export import ExportFormat, ExportRequest, manifest
from ar_cli.domain.money import cents_to_text
from ar_cli.domain.phi import mask_date, mask_name, mask_value
from ar_cli.domain.spreadsheet_safety import identifier_cell, neutralise
from ar_cli.reports.export_rows import ExportTable
from ar_cli.reports.report import Column, Kind

_MONEY_MARK = "\x00money:"
_MONEY_RE = re.compile(r'"\\u0000money:(-?\d+\.\d\d)"')
_ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
XLSX_FORMATS = {Kind.MONEY: "#,##0.00", Kind.PERCENT: "0.0%", Kind.INT: "0", Kind.DATE: "yyyy-mm-dd"}


@dataclass(kw_only=True)
class Staged:
    """An export written under temporary names, waiting to be put in place."""

    target: Path
    manifest_target: Path
    manifest: dict[str, Any]
    private: bool
    temps: list[Path] = field(default_factory=list)  # [data, manifest]

    def commit(self) -> None:
        data, meta = self.temps
        os.chmod(data, 0o600 if self.private else 0o644)
        os.chmod(meta, 0o644)
        os.replace(data, self.target)
        os.replace(meta, self.manifest_target)
        self.temps = []

    def discard(self) -> None:
        for path in self.temps:
            path.unlink(missing_ok=True)
        self.temps = []


def manifest_path(target: Path) -> Path:
    return target.with_name(target.name + ".manifest.json")


def resolve_target(output: Path | None, request: ExportRequest) -> Path:
    """The file to write: `output` itself, or the request's default name inside a folder.
    Refuses (exit 2) before anything is read when it cannot be written."""
    if output is None:
        raise InputError("--output: give the file (or an existing folder) to write the export to")
    target = output.expanduser()
    if target.is_dir():
        target = target / request.file_name
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"--output {output}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"--output {output}: cannot write in folder {folder} (permission denied)")
    if target.exists() and target.is_dir():
        raise InputError(f"--output {output}: is a directory")
    return target


def stage_export(table: ExportTable, request: ExportRequest, target: Path, *, created_at: datetime,
                 created_by: str) -> Staged:
    """Write the rows and the manifest under temporary names beside `target`."""
    staged = Staged(target=target, manifest_target=manifest_path(target), manifest={},
                    private=request.include_phi)
    try:
        data = _temp(target)
        staged.temps.append(data)
        writer = _write_xlsx if request.fmt == ExportFormat.XLSX else _write_csv
        count, totals = writer(data, table, request)
        digest, size = _sha256(data)
        staged.manifest = manifest(request=request, file_name=target.name, rows=count, totals=totals,
                                   sha256=digest, byte_size=size, tool_version=__version__,
                                   created_at=created_at, created_by=created_by,
                                   columns=[c.key for c in table.columns])
        meta = _temp(staged.manifest_target)
        staged.temps.append(meta)
        meta.write_text(manifest_json(staged.manifest), encoding="utf-8")
    except BaseException:
        staged.discard()
        raise
    return staged


def money_totals(totals: dict[str, str]) -> dict[str, str]:
    """Totals ('123.45' text) marked to be written as JSON numbers by `json_with_money`."""
    return {key: _MONEY_MARK + value for key, value in totals.items()}


def json_with_money(body: Any) -> str:
    """JSON in which marked amounts are numbers with two decimals (`123.45`, as every
    amount we write; a float would drop the trailing zero)."""
    return _MONEY_RE.sub(r"\1", json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


def manifest_json(body: dict[str, Any]) -> str:
    return json_with_money({**body, "totals": money_totals(body.get("totals", {}))})


def _temp(target: Path) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise InputError(f"--output {target}: cannot write there: {exc.strerror}") from None
    os.close(fd)
    return Path(name)


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _masked(column: Column, value: Any) -> Any:
    if value in (None, ""):
        return value
    if column.kind == Kind.DATE:
        return mask_date(value)
    if "name" in column.key:
        return mask_name(value)
    return mask_value(value)


def csv_cell(column: Column, value: Any) -> str:
    """One CSV cell, Excel-safe. Money and counts are numbers and never neutralised."""
    return "" if value is None else _cell_writer(column)(value)


def csv_formatter(column: Column):
    """The function that writes a (non-empty) value of this column: chosen once per
    column, not per cell (a ledger export writes millions of cells); text is cached, as
    most text columns repeat a few values (kind, payer, source file)."""
    write = _cell_writer(column)
    if column.kind in (Kind.MONEY, Kind.INT, Kind.PERCENT, Kind.DATE):
        return write
    return lru_cache(maxsize=4096)(write)


def _cell_writer(column: Column):
    """`csv_cell` for one column, uncached (a cache per call would cost more than the cell)."""
    if column.kind == Kind.MONEY:
        return cents_to_text
    if column.kind == Kind.INT:
        return lambda value: str(int(value))
    if column.kind == Kind.PERCENT:
        return lambda value: f"{float(value):.4f}"
    if column.kind == Kind.DATE:
        return lambda value: value.isoformat() if isinstance(value, date) else str(value)
    safe = identifier_cell if column.kind == Kind.ID else neutralise
    return lambda value: value.isoformat() if isinstance(value, date) else safe(str(value))


def _rows(table: ExportTable, request: ExportRequest):
    """Rows with PHI masked as asked."""
    phi = [(i, c) for i, c in enumerate(table.columns) if c.phi] if not request.include_phi else []
    if not phi:
        yield from table.rows
        return
    masks = [(i, lru_cache(maxsize=65536)(lambda value, column=column: _masked(column, value))) for i, column in phi]
    for row in table.rows:
        row = list(row)
        for i, mask in masks:
            row[i] = mask(row[i])
        yield row


def _write_csv(path: Path, table: ExportTable, request: ExportRequest) -> tuple[int, dict[str, int]]:
    money = [(key, table.index(key)) for key in table.money_keys]
    totals = [0] * len(money)
    count = 0
    writers = [csv_formatter(c) for c in table.columns]
    with path.open("w", encoding="utf-8-sig" if request.bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([c.key for c in table.columns])
        for row in _rows(table, request):
            writer.writerow(["" if value is None else write(value) for write, value in zip(writers, row)])
            for n, (_, i) in enumerate(money):
                totals[n] += row[i] or 0
            count += 1
    return count, {key: total for (key, _), total in zip(money, totals)}


def _write_xlsx(path: Path, table: ExportTable, request: ExportRequest) -> tuple[int, dict[str, int]]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    money = [(key, table.index(key)) for key in table.money_keys]
    totals = {key: 0 for key in table.money_keys}
    count = 0
    book = Workbook(write_only=True)
    sheet = book.create_sheet(request.kind.value)
    sheet.append([c.key for c in table.columns])
    for row in _rows(table, request):
        cells = []
        for column, value in zip(table.columns, row):
            if value is None or value == "":
                cells.append(None)
                continue
            if column.kind == Kind.MONEY:
                cell = WriteOnlyCell(sheet, value=int(value) / 100)  # display only; totals stay in cents
            elif column.kind == Kind.INT:
                cell = WriteOnlyCell(sheet, value=int(value))
            elif column.kind == Kind.DATE and (isinstance(value, date) or _ISO_DAY.match(str(value))):
                cell = WriteOnlyCell(sheet, value=value if isinstance(value, date) else date.fromisoformat(value))
            else:
                cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
                cell.data_type = "s"
            if column.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[column.kind]
            cells.append(cell)
        sheet.append(cells)
        for key, i in money:
            totals[key] += int(row[i] or 0)
        count += 1
    book.save(path)
    return count, totals
