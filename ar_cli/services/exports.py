"""Recording an auditor export, and any other PHI written off the terminal, in the
audit log: who took which rows, with PHI or not.

The file is written (under a temporary name) before this runs and renamed only after
it commits, so no export exists that the log does not name — least of all one that
carries patient names.
"""

from __future__ import annotations

from typing import Any

from ar_cli.services.context import Actor
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger


def record_export(ledger: Ledger, *, actor: Actor, path: str, manifest: dict[str, Any]) -> int:
    """One audit event for one export file; returns its id."""
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        return rec.finish(
            action=f"export.{manifest['kind']}",
            entity="export",
            entity_key=manifest["sha256"],
            source=path[:400],
            details={
                "file": manifest["file"],
                "format": manifest["format"],
                "rows": manifest["rows"],
                "filters": manifest["filters"],
                "phi": manifest["phi"],
                "totals": manifest["totals"],
            },
        )


def record_phi_output(
    ledger: Ledger, *, actor: Actor, command: str, target: str, fmt: str, rows: int, sha256: str
) -> int:
    """One audit event for unmasked PHI written anywhere but a terminal (a file or a
    pipe) by a command other than `export` (which records its own): what, where, how
    many rows, and the hash of what was written. Returns the event id."""
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        return rec.finish(
            action="output.phi",
            entity="output",
            entity_key=sha256,
            source=target[:400],
            details={"command": command, "format": fmt, "rows": rows, "phi": "included"},
        )
