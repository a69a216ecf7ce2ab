"""`ar-cli export KIND`: read the rows in one read transaction, write the file and its
manifest under temporary names, record the export in the audit log, then rename both
into place. A failure anywhere leaves neither file behind and nothing recorded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ar_cli.domain.export import ExportRequest
from ar_cli.reports.exports.files import resolve_target, stage_export
from ar_cli.reports.exports.rows import export_table
from ar_cli.services.context import Actor
from ar_cli.services.exports import record_export
from ar_cli.store.database import Ledger


@dataclass(frozen=True, kw_only=True)
class Exported:
    path: Path
    manifest_path: Path
    manifest: dict[str, Any]
    audit_event_id: int


def run_export(
    ledger: Ledger, request: ExportRequest, *, output: str | Path | None, actor: Actor, overwrite: bool = False
) -> Exported:
    target = resolve_target(output, request, overwrite=overwrite)
    with ledger.read() as session:
        staged = stage_export(
            export_table(session, request.kind, request.start, request.end),
            request,
            target,
            created_at=actor.now,
            created_by=actor.user,
            overwrite=overwrite,
        )
    try:
        event = record_export(ledger, actor=actor, path=str(target), manifest=staged.manifest)
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return Exported(
        path=staged.target, manifest_path=staged.manifest_target, manifest=staged.manifest, audit_event_id=event
    )
