"""The close pack: what a month looked like when it was closed, for the auditor.

`ar-cli period close 2026-06` writes, into `--output DIR` (default: `close-packs/`
beside a SQLite ledger), a folder `close-2026-06/` holding:

- `aging_2026-06-30.csv`: aging by payer as of the month's last day (the aging report
  as it is, totals as the last row);
- `ledger_2026-06-01_2026-06-30.csv` and `remittances_….csv`: the exports of that
  month's posting dates, PHI masked, each with its own manifest;
- `manifest.json`: the period, every file with its rows, totals and SHA-256.

The files are built from a read snapshot of the ledger (services/periods.py: the
write lock is taken only to check nothing was posted into the month since, and to
record the close) in a hidden folder and renamed into place once the close has
committed; if anything fails the
folder is removed and the month stays open. A month closed again after a reopen gets
`close-2026-06.2/`, and so on: an earlier pack is never overwritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ar_cli import __version__
from ar_cli.domain.errors import InputError
from ar_cli.domain.export import ExportKind, ExportRequest
from ar_cli.domain.money import cents_to_text
from ar_cli.reports.aging.report import AgingQuery, aging_report
from ar_cli.reports.exports.files import money_totals, stage_export
from ar_cli.reports.exports.rows import export_table
from ar_cli.reports.output import json_with_money, report_csv, resolve_folder, staged_folder
from ar_cli.reports.output.files import StagedFolder
from ar_cli.services.context import Actor
from ar_cli.services.periods import Closed, Period, check_can_close, close_period
from ar_cli.store.database import Ledger

if TYPE_CHECKING:
    from ar_cli.store import Session


@dataclass(frozen=True, kw_only=True)
class ClosePack:
    closed: Closed
    folder: Path
    files: list[dict[str, Any]]


def default_pack_root(ledger: Ledger) -> Path:
    path = ledger.location.sqlite_path
    if path is None:
        raise InputError(
            "period close: a PostgreSQL ledger has no folder beside it; give --output DIR for the close pack"
        )
    return path.parent / "close-packs"


def pack_root(output: Path | str | None, ledger: Ledger) -> tuple[Path, bool]:
    """The folder the pack goes into (created when missing, as every `--output`
    folder), and whether it was created here; refused (exit 2) before anything is
    closed when it cannot be written."""
    root = Path(output).expanduser() if output is not None else default_pack_root(ledger)
    created = not root.exists()
    return resolve_folder(output if output is not None else root), created


def close_with_pack(ledger: Ledger, period: Period, *, output: Path | None, actor: Actor) -> ClosePack:
    check_can_close(ledger, period, actor=actor)
    root, created = pack_root(output, ledger)
    files: list[dict[str, Any]] = []
    try:
        with staged_folder(root, f"close-{period.text}") as staging:

            def pack(session: Session, text: str, first: date, last: date) -> dict[str, Any]:
                files.clear()  # built again when something was posted into the month meanwhile
                files.append(_aging_file(session, staging, last))
                for kind in (ExportKind.LEDGER, ExportKind.REMITTANCES):
                    request = ExportRequest(kind=kind, start=first, end=last)
                    staged = stage_export(
                        export_table(session, kind, first, last),
                        request,
                        staging.file(request.file_name),
                        created_at=actor.now,
                        created_by=actor.user,
                        overwrite=True,
                    )  # our own staging folder
                    staged.commit()
                    files.append(
                        {
                            "file": request.file_name,
                            "rows": staged.manifest["rows"],
                            "totals": staged.manifest["totals"],
                            "sha256": staged.manifest["sha256"],
                        }
                    )
                listed = [{**f, "totals": money_totals(f["totals"])} for f in files]
                body = {
                    "period": text,
                    "first_day": first.isoformat(),
                    "last_day": last.isoformat(),
                    "files": listed,
                    "phi": "masked",
                    "tool": f"ar-cli {__version__}",
                    "created_at": actor.now.isoformat(),
                    "created_by": actor.user,
                }
                manifest = staging.write("manifest.json", json_with_money(body))
                return {
                    "files": {f["file"]: f["sha256"] for f in files},
                    "manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
                }

            closed = close_period(ledger, period, actor=actor, pack=pack)
            folder = _free_name(root, f"close-{period.text}")
            staging.place(folder)
    except BaseException:
        if created and not any(root.iterdir()):
            root.rmdir()
        raise
    return ClosePack(closed=closed, folder=folder, files=files)


def _free_name(root: Path, name: str) -> Path:
    candidate, number = root / name, 1
    while candidate.exists():
        number += 1
        candidate = root / f"{name}.{number}"
    return candidate


def _aging_file(session: Session, folder: StagedFolder, as_of: date) -> dict[str, Any]:
    """Aging by payer as of the month's last day, the totals as the last row."""
    report = aging_report(session, AgingQuery(as_of=as_of)).report
    name = f"aging_{as_of.isoformat()}.csv"
    # The pack is always masked; the aging by payer holds no PHI anyway.
    path = folder.write(name, report_csv(report, include_phi=False, totals_row=True, line_end="\r\n"))
    rows = len(report.rows) + (1 if report.totals else 0)
    total = int(report.totals.get("total", 0)) if report.totals else 0
    return {
        "file": name,
        "rows": rows,
        "totals": {"total": cents_to_text(total)},
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
