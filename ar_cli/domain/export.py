"""Auditor exports: what can be exported, the request, and the manifest beside each file.

Pure values; the rows come from reports/exports/rows.py and the files from
reports/exports/files.py. Dates filter on posting dates (audit events: the day they
happened; denials: the day the denial was recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ar_cli.domain.errors import InputError
from ar_cli.domain.money import cents_to_text


class ExportKind(StrEnum):
    LEDGER = "ledger"
    CLAIMS = "claims"
    REMITTANCES = "remittances"
    DENIALS = "denials"
    AUDIT = "audit"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def parse_kind(text: str) -> ExportKind:
    try:
        return ExportKind(text.strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in ExportKind)
        raise InputError(f"export: {text!r} is not something to export (choose {choices})") from None


def parse_format(text: str) -> ExportFormat:
    try:
        return ExportFormat(text.strip().lower())
    except ValueError:
        raise InputError(f"--format: {text!r} is not an export format (choose csv or xlsx)") from None


@dataclass(frozen=True, kw_only=True)
class ExportRequest:
    kind: ExportKind
    start: date
    end: date
    fmt: ExportFormat = ExportFormat.CSV
    include_phi: bool = False
    bom: bool = False

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise InputError(f"--from {self.start.isoformat()} is after --to {self.end.isoformat()}")
        if self.bom and self.fmt != ExportFormat.CSV:
            raise InputError("--bom applies to CSV only (a workbook has no byte-order mark)")

    @property
    def file_name(self) -> str:
        return f"{self.kind.value}_{self.start.isoformat()}_{self.end.isoformat()}.{self.fmt.value}"

    def filters(self) -> dict[str, Any]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "include_phi": self.include_phi}


def manifest(
    *,
    request: ExportRequest,
    file_name: str,
    rows: int,
    totals: dict[str, int],
    sha256: str,
    byte_size: int,
    tool_version: str,
    created_at: datetime,
    created_by: str,
    columns: list[str],
) -> dict[str, Any]:
    """The manifest written beside an export: enough to prove the file is the one made."""
    return {
        "kind": request.kind.value,
        "file": file_name,
        "format": request.fmt.value,
        "rows": rows,
        "totals": {key: cents_to_text(value) for key, value in totals.items()},
        "sha256": sha256,
        "bytes": byte_size,
        "filters": request.filters(),
        "columns": columns,
        "phi": "included" if request.include_phi else "masked",
        "tool": f"ar-cli {tool_version}",
        "created_at": created_at.isoformat(),
        "created_by": created_by,
    }
