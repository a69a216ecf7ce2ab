"""What each auditor export holds: its columns and its rows, streamed from the ledger.

- ledger: one row per entry posted in the range, with where it came from (the ERA
  file and trace number, the claims or batch file and line, or the user);
- claims: one row per claim with an entry posted in the range: what moved in the
  range and its balance at the end of it;
- remittances: one row per remittance (835 transaction) posted in the range, with the
  claim payments and unapplied money it had become by the range's end;
- denials: one row per denial recorded in the range;
- audit: one row per audit event in the range (UTC days).

Rows are tuples of plain values (money in cents), read by store/queries/exports.py;
reports/exports/files.py writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date
from typing import TYPE_CHECKING

from ar_cli.domain.export import ExportKind
from ar_cli.reports.report import Column, Kind
from ar_cli.store.queries import exports as export_sql

if TYPE_CHECKING:
    from ar_cli.store import Session
OWED_BY = {0: "patient", 1: "primary", 2: "secondary", 3: "tertiary"}
SOURCE_TYPES = {"era": "ERA", "claims_csv": "claims file", "payment_batch": "batch file"}


@dataclass(kw_only=True)
class ExportTable:
    """Rows are tuples in column order (a dict per row cost more than the query)."""

    columns: list[Column]
    rows: Iterator[tuple]
    money_keys: list[str]  # the columns totalled in the manifest

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


def export_table(session: Session, kind: ExportKind, start: date, end: date) -> ExportTable:
    return {
        ExportKind.LEDGER: ledger_rows,
        ExportKind.CLAIMS: claim_rows,
        ExportKind.REMITTANCES: remittance_rows,
        ExportKind.DENIALS: denial_rows,
        ExportKind.AUDIT: audit_rows,
    }[kind](session, start, end)


def _code(group: str, reason: str) -> str:
    return f"{group}-{reason}" if group and reason else reason


def _name(last: str, first: str) -> str:
    return f"{last}, {first}" if first else last


LEDGER_COLUMNS = [
    Column(key="entry_id", title="Entry", kind=Kind.INT),
    Column(key="posting_date", title="Posted", kind=Kind.DATE),
    Column(key="effective_date", title="Effective", kind=Kind.DATE),
    Column(key="claim_number", title="Claim", kind=Kind.ID),
    Column(key="patient_account", title="Account", kind=Kind.ID),
    Column(key="patient_name", title="Patient", phi=True),
    Column(key="line", title="Line", kind=Kind.INT),
    Column(key="procedure_code", title="Procedure"),
    Column(key="owed_by", title="Owed by"),
    Column(key="payer", title="Payer", kind=Kind.ID),
    Column(key="kind", title="Kind"),
    Column(key="adjustment_code", title="Code"),
    Column(key="remark_codes", title="Remarks"),
    Column(key="amount", title="Amount", kind=Kind.MONEY),
    Column(key="source_type", title="Source type"),
    Column(key="source_file", title="Source file"),
    Column(key="trace_number", title="Trace", kind=Kind.ID),
    Column(key="source_ref", title="Source reference"),
    Column(key="source_sha256", title="Source SHA-256"),
    Column(key="reverses", title="Reverses", kind=Kind.INT),
    Column(key="audit_event", title="Audit event", kind=Kind.INT),
    Column(key="created_by", title="User"),
]


def ledger_rows(session: Session, start: date, end: date) -> ExportTable:
    def rows():
        for (
            entry_id,
            posted,
            effective,
            claim,
            account,
            last,
            first,
            line,
            procedure,
            resp,
            payer,
            kind,
            group,
            reason,
            remarks,
            amount,
            file_kind,
            file_name,
            sha,
            trace,
            ref,
            reverses,
            event,
            user,
        ) in export_sql.ledger_entries(session, start, end):
            yield (
                entry_id,
                posted,
                effective,
                claim,
                account,
                _name(last, first),
                line,
                procedure or "",
                OWED_BY.get(resp, str(resp)),
                payer or "",
                kind,
                _code(group, reason),
                remarks,
                amount,
                SOURCE_TYPES.get(file_kind, file_kind) if file_kind else "user",
                file_name or "",
                trace or "",
                ref,
                sha or "",
                reverses,
                event,
                user,
            )

    return ExportTable(columns=LEDGER_COLUMNS, rows=rows(), money_keys=["amount"])


CLAIM_COLUMNS = [
    Column(key="claim_number", title="Claim", kind=Kind.ID),
    Column(key="patient_account", title="Account", kind=Kind.ID),
    Column(key="patient_name", title="Patient", phi=True),
    Column(key="patient_birth_date", title="Birth date", kind=Kind.DATE, phi=True),
    Column(key="primary_payer", title="Primary payer", kind=Kind.ID),
    Column(key="member_id", title="Member id", kind=Kind.ID, phi=True),
    Column(key="billed_date", title="Billed", kind=Kind.DATE),
    Column(key="first_service_date", title="Service", kind=Kind.DATE),
    Column(key="status", title="Status"),
    Column(key="charges", title="Charges in range", kind=Kind.MONEY),
    Column(key="payments", title="Payments in range", kind=Kind.MONEY),
    Column(key="adjustments", title="Adjustments in range", kind=Kind.MONEY),
    Column(key="net", title="Net change in range", kind=Kind.MONEY),
    Column(key="balance", title="Balance at end", kind=Kind.MONEY),
]


def claim_rows(session: Session, start: date, end: date) -> ExportTable:
    def rows():
        for (
            claim,
            account,
            last,
            first,
            born,
            payer,
            member,
            billed,
            service,
            status,
            charges,
            payments,
            adjustments,
            net,
            balance,
        ) in export_sql.claim_movements(session, start, end):
            yield (
                claim,
                account,
                _name(last, first),
                born,
                payer or "self-pay",
                member or "",
                billed,
                service,
                status,
                int(charges),
                int(payments),
                int(adjustments),
                int(net),
                int(balance),
            )

    return ExportTable(
        columns=CLAIM_COLUMNS, rows=rows(), money_keys=["charges", "payments", "adjustments", "net", "balance"]
    )


REMITTANCE_COLUMNS = [
    Column(key="remittance_id", title="Remittance", kind=Kind.INT),
    Column(key="posting_date", title="Posted", kind=Kind.DATE),
    Column(key="payer", title="Payer", kind=Kind.ID),
    Column(key="payer_trace_id", title="Payer id (TRN03)", kind=Kind.ID),
    Column(key="trace_number", title="Trace", kind=Kind.ID),
    Column(key="method", title="Method"),
    Column(key="payment_date", title="Payment date", kind=Kind.DATE),
    Column(key="effective_date", title="Effective", kind=Kind.DATE),
    Column(key="status", title="Status"),
    Column(key="amount", title="Amount (BPR02)", kind=Kind.MONEY),
    Column(key="claim_payments", title="Claim payments", kind=Kind.MONEY),
    Column(key="unapplied", title="Unapplied", kind=Kind.MONEY),
    Column(key="difference", title="Difference", kind=Kind.MONEY),
    Column(key="source_file", title="Source file"),
    Column(key="segment", title="Segment", kind=Kind.INT),
    Column(key="source_sha256", title="Source SHA-256"),
]


def remittance_rows(session: Session, start: date, end: date) -> ExportTable:
    def rows():
        for (
            rid,
            posted,
            payer,
            payer_trace,
            trace,
            method,
            paid_on,
            effective,
            status,
            amount,
            claim_paid,
            unapplied,
            difference,
            file_name,
            segment,
            sha,
        ) in export_sql.remittances(session, start, end):
            yield (
                rid,
                posted,
                payer or "",
                payer_trace,
                trace,
                method,
                paid_on,
                effective,
                status,
                int(amount),
                int(claim_paid or 0),
                int(unapplied or 0),
                int(difference),
                file_name or "",
                segment,
                sha or "",
            )

    return ExportTable(
        columns=REMITTANCE_COLUMNS, rows=rows(), money_keys=["amount", "claim_payments", "unapplied", "difference"]
    )


DENIAL_COLUMNS = [
    Column(key="denial_id", title="Denial", kind=Kind.INT),
    Column(key="denied_on", title="Denied on", kind=Kind.DATE),
    Column(key="claim_number", title="Claim", kind=Kind.ID),
    Column(key="patient_account", title="Account", kind=Kind.ID),
    Column(key="patient_name", title="Patient", phi=True),
    Column(key="line", title="Line", kind=Kind.INT),
    Column(key="owed_by", title="Owed by"),
    Column(key="payer", title="Payer", kind=Kind.ID),
    Column(key="adjustment_code", title="Code"),
    Column(key="remark_codes", title="Remarks"),
    Column(key="category", title="Category"),
    Column(key="amount", title="Amount", kind=Kind.MONEY),
    Column(key="status", title="Status"),
    Column(key="level", title="Appeal level", kind=Kind.INT),
    Column(key="appeal_deadline", title="Appeal deadline", kind=Kind.DATE),
    Column(key="resolution", title="Resolution"),
    Column(key="resolved_on", title="Resolved on", kind=Kind.DATE),
]


def denial_rows(session: Session, start: date, end: date) -> ExportTable:
    def rows():
        for (
            did,
            denied_on,
            claim,
            account,
            last,
            first,
            line,
            resp,
            payer,
            group,
            reason,
            remarks,
            category,
            amount,
            status,
            level,
            deadline,
            resolution,
            resolved_on,
        ) in export_sql.denials(session, start, end):
            yield (
                did,
                denied_on,
                claim,
                account,
                _name(last, first),
                line,
                OWED_BY.get(resp, str(resp)),
                payer or "",
                _code(group, reason),
                remarks,
                category,
                int(amount),
                status,
                level,
                deadline,
                resolution,
                resolved_on,
            )

    return ExportTable(columns=DENIAL_COLUMNS, rows=rows(), money_keys=["amount"])


AUDIT_COLUMNS = [
    Column(key="event_id", title="Event", kind=Kind.INT),
    Column(key="occurred_at", title="When (UTC)"),
    Column(key="actor", title="User"),
    Column(key="action", title="Action"),
    Column(key="entity", title="Entity"),
    Column(key="entity_key", title="Key", kind=Kind.ID),
    Column(key="source", title="Source"),
    Column(key="details", title="Details"),
    Column(key="rows_digest", title="Rows digest"),
    Column(key="prev_hash", title="Previous hash"),
    Column(key="hash", title="Hash"),
]


def audit_rows(session: Session, start: date, end: date) -> ExportTable:
    def rows():
        for (
            eid,
            when,
            actor,
            action,
            entity,
            key,
            source,
            details,
            digest,
            prev,
            digest_hash,
        ) in export_sql.audit_events(session, start, end):
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            yield (
                eid,
                when.astimezone(UTC).isoformat(),
                actor,
                action,
                entity,
                key,
                source,
                details,
                digest,
                prev,
                digest_hash,
            )

    return ExportTable(columns=AUDIT_COLUMNS, rows=rows(), money_keys=[])
