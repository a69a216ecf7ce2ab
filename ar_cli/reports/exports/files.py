"""Writing an auditor export: the file, its manifest beside it, never half of either.

CSV that opens cleanly in Excel: UTF-8 (a byte-order mark with `bom`), ISO dates,
amounts as plain numbers (`-54.03`) so sums work, claim/account numbers kept text,
text cells that would start a formula neutralised. A workbook (xlsx) types each cell
instead: numbers with a money format, real dates, string cells. Cells, masking, file
modes and the temporary-then-rename all come from reports/output.

Both files are written under temporary names in the target folder; `Staged.commit()`
puts them in place (after the caller has recorded the export), `discard()` removes
them. Neither replaces an existing file unless the request says `overwrite`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ar_cli import __version__
from ar_cli.domain.errors import InputError
from ar_cli.domain.export import ExportFormat, ExportRequest, manifest
from ar_cli.reports.exports.rows import ExportTable
from ar_cli.reports.output import StagedFile, json_with_money, mask_cell, money_number, resolve_file, write_csv
from ar_cli.reports.output.tabular import write_xlsx

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(kw_only=True)
class Staged:
    """An export written under temporary names, waiting to be put in place."""

    target: Path
    manifest_target: Path
    manifest: dict[str, Any]
    files: list[StagedFile] = field(default_factory=list)  # [data, manifest]

    def commit(self) -> None:
        for staged in self.files:
            staged.commit()
        self.files = []

    def discard(self) -> None:
        for staged in self.files:
            staged.discard()
        self.files = []


def manifest_path(target: Path) -> Path:
    return target.with_name(target.name + MANIFEST_SUFFIX)


def resolve_target(output: str | Path | None, request: ExportRequest, *, overwrite: bool = False) -> Path:
    """The file to write: `output` itself, or the request's default name inside a folder.
    Refuses (exit 2) before anything is read when it cannot be written, or when it or
    its manifest exists and `overwrite` is not given."""
    if output is None:
        raise InputError("--output: give the file (or a folder) to write the export to")
    return resolve_file(output, request.file_name, overwrite=overwrite, companions=(MANIFEST_SUFFIX,))


def stage_export(
    table: ExportTable,
    request: ExportRequest,
    target: Path,
    *,
    created_at: datetime,
    created_by: str,
    overwrite: bool = False,
) -> Staged:
    """Write the rows and the manifest under temporary names beside `target`."""
    staged = Staged(target=target, manifest_target=manifest_path(target), manifest={})
    try:
        data = StagedFile.beside(target, private=request.include_phi, overwrite=overwrite)
        staged.files.append(data)
        assert data.temp is not None
        totals = {key: 0 for key in table.money_keys}
        rows = _counted(_rows(table, request), [(key, table.index(key)) for key in table.money_keys], totals)
        if request.fmt == ExportFormat.XLSX:
            write_xlsx(data.temp, request.kind.value, table.columns, rows)
        else:
            with data.text_handle(bom=request.bom) as handle:
                write_csv(handle, table.columns, rows, ids_as_text=True)
        digest, size = _sha256(data.temp)
        staged.manifest = manifest(
            request=request,
            file_name=target.name,
            rows=totals.pop(_COUNT),
            totals=totals,
            sha256=digest,
            byte_size=size,
            tool_version=__version__,
            created_at=created_at,
            created_by=created_by,
            columns=[c.key for c in table.columns],
        )
        meta = StagedFile.beside(staged.manifest_target, private=False, overwrite=overwrite)
        staged.files.append(meta)
        meta.write(manifest_json(staged.manifest))
    except BaseException:
        staged.discard()
        raise
    return staged


_COUNT = "\x00rows"


def _counted(rows, money: list[tuple[str, int]], totals: dict[str, int]) -> Iterator:
    """The rows as they are written, summing the money columns (cents) and counting."""
    count = 0
    for row in rows:
        for key, i in money:
            totals[key] += int(row[i] or 0)
        count += 1
        yield row
    totals[_COUNT] = count


def money_totals(totals: dict[str, str]) -> dict[str, str]:
    """Totals ('123.45' text) marked to be written as JSON numbers by `json_with_money`."""
    from ar_cli.domain.money import cents_from_text

    return {key: money_number(cents_from_text(value)) for key, value in totals.items()}


def manifest_json(body: dict[str, Any]) -> str:
    return json_with_money({**body, "totals": money_totals(body.get("totals", {}))})


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _rows(table: ExportTable, request: ExportRequest):
    """Rows with PHI masked as asked (each distinct value masked once)."""
    phi = [(i, c) for i, c in enumerate(table.columns) if c.phi] if not request.include_phi else []
    if not phi:
        yield from table.rows
        return
    masks = [(i, lru_cache(maxsize=65536)(lambda value, column=column: mask_cell(column, value))) for i, column in phi]
    for row in table.rows:
        row = list(row)
        for i, mask in masks:
            row[i] = mask(row[i])
        yield row
