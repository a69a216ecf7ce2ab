"""Claims as reports: the filtered list, and one claim in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ar_cli.domain.claims.records import responsibility_name
from ar_cli.reports.claims.timeline import claim_timeline
from ar_cli.reports.report import Column, Kind, Report
from ar_cli.store import claims_repo
from ar_cli.store.payers_repo import find_payer
from ar_cli.store.queries import claims as claim_sql

if TYPE_CHECKING:
    from ar_cli.store import Session

CLAIM_STATUSES = ("billed", "partially_paid", "paid", "denied", "appealed", "credit", "closed")

LIST_COLUMNS = [
    Column(key="claim_number", title="Claim", kind=Kind.ID),
    Column(key="patient_account", title="Account", kind=Kind.ID),
    Column(key="patient_name", title="Patient", phi=True),
    Column(key="payer", title="Primary payer"),
    Column(key="service_date", title="Service", kind=Kind.DATE),
    Column(key="billed_date", title="Billed", kind=Kind.DATE),
    Column(key="charge", title="Charge", kind=Kind.MONEY),
    Column(key="insurance_balance", title="Insurance owes", kind=Kind.MONEY),
    Column(key="patient_balance", title="Patient owes", kind=Kind.MONEY),
    Column(key="status", title="Status"),
]


@dataclass(frozen=True, kw_only=True)
class ClaimFilter:
    payer: str | None = None
    status: str | None = None
    patient: str | None = None
    service_from: date | None = None
    service_to: date | None = None
    limit: int | None = None


def claims_list(session: Session, flt: ClaimFilter) -> Report:
    listed = claim_sql.claim_list(
        session,
        payer_id=find_payer(session, flt.payer).id if flt.payer else None,
        status=flt.status,
        patient=flt.patient,
        service_from=flt.service_from,
        service_to=flt.service_to,
        limit=flt.limit,
    )
    rows = []
    totals = {"claim_number": "Total", "charge": 0, "insurance_balance": 0, "patient_balance": 0}
    for number, account, last, first, payer_code, service, billed, charge, insurance, patient, status in listed:
        row = {
            "claim_number": number,
            "patient_account": account,
            "patient_name": f"{last}, {first}" if first else last,
            "payer": payer_code or "self-pay",
            "service_date": service,
            "billed_date": billed,
            "charge": int(charge or 0),
            "insurance_balance": int(insurance or 0),
            "patient_balance": int(patient or 0),
            "status": status,
        }
        for key in ("charge", "insurance_balance", "patient_balance"):
            totals[key] += row[key]
        rows.append(row)
    totals["patient_account"] = f"{len(rows)} claims"
    return Report(name="claims", title="Claims", columns=LIST_COLUMNS, rows=rows, totals=totals)


@dataclass(frozen=True, kw_only=True)
class ClaimDetail:
    """One claim in full: each part is its own report so every format shows the same."""

    header: Report
    coverages: Report
    lines: Report
    entries: Report
    balances: Report
    notes: Report
    timeline: Report | None = None

    def parts(self) -> list[Report]:
        # The timeline holds the notes too: shown instead of them when there is one.
        last = [self.timeline] if self.timeline is not None else [self.notes]
        return [self.header, self.coverages, self.lines, self.entries, self.balances, *last]


def claim_detail(session: Session, number: str) -> ClaimDetail:
    claim = claims_repo.get_claim(session, number)
    header = Report(
        name="claim",
        title=f"Claim {claim.claim_number}",
        columns=[
            Column(key="claim_number", title="Claim", kind=Kind.ID),
            Column(key="patient_account", title="Account", kind=Kind.ID),
            Column(key="patient_name", title="Patient", phi=True),
            Column(key="billed_date", title="Billed", kind=Kind.DATE),
            Column(key="status", title="Status"),
            Column(key="billing_npi", title="Billing NPI", kind=Kind.ID),
            Column(key="rendering_npi", title="Rendering NPI", kind=Kind.ID),
            Column(key="frequency_code", title="Freq"),
        ],
        rows=[
            {
                "claim_number": claim.claim_number,
                "patient_account": claim.patient_account,
                "patient_name": f"{claim.patient_last}, {claim.patient_first}",
                "billed_date": claim.billed_date,
                "status": claim.status,
                "billing_npi": claim.billing_npi,
                "rendering_npi": claim.rendering_npi,
                "frequency_code": claim.frequency_code,
            }
        ],
    )
    coverages = Report(
        name="coverages",
        title="Coverages",
        columns=[
            Column(key="rank", title="Rank"),
            Column(key="payer", title="Payer"),
            Column(key="payer_name", title="Name"),
            Column(key="member_id", title="Member id", phi=True),
        ],
        rows=[
            {
                "rank": responsibility_name(c.rank),
                "payer": c.payer_code,
                "payer_name": c.payer_name,
                "member_id": c.member_id,
            }
            for c in claim.coverages
        ],
    )
    lines = Report(
        name="lines",
        title="Lines",
        columns=[
            Column(key="line", title="#", kind=Kind.INT),
            Column(key="control", title="Control", kind=Kind.ID),
            Column(key="procedure", title="Procedure"),
            Column(key="modifiers", title="Mods"),
            Column(key="units", title="Units"),
            Column(key="service_from", title="From", kind=Kind.DATE),
            Column(key="service_to", title="To", kind=Kind.DATE),
            Column(key="charge", title="Charge", kind=Kind.MONEY),
        ],
        rows=[
            {
                "line": ln.line_number,
                "control": ln.line_control_number,
                "procedure": ln.procedure_code,
                "modifiers": ":".join(ln.modifiers),
                "units": ln.units,
                "service_from": ln.service_from,
                "service_to": ln.service_to,
                "charge": ln.charge,
            }
            for ln in claim.lines
        ],
    )
    line_numbers = {ln.id: ln.line_number for ln in claim.lines}
    entry_rows = []
    for (
        entry_id,
        posted,
        effective,
        line_id,
        responsibility,
        kind,
        group,
        reason,
        payer_code,
        amount,
        source_name,
        source_ref,
        created_by,
        reverses_id,
    ) in claim_sql.claim_entries(session, claim.id):
        code = "-".join(p for p in (group, reason) if p)
        entry_rows.append(
            {
                "id": str(entry_id),
                "posted": posted,
                "effective": effective,
                "line": line_numbers.get(line_id),
                "owed_by": responsibility_name(responsibility),
                "kind": kind,
                "code": code,
                "payer": payer_code or "",
                "amount": amount,
                "source": f"{source_name} {source_ref}".strip() if source_name else f"user {created_by}",
                "reverses": str(reverses_id) if reverses_id else "",
            }
        )
    entries = Report(
        name="entries",
        title="Ledger entries",
        columns=[
            Column(key="id", title="Entry", kind=Kind.ID),
            Column(key="posted", title="Posted", kind=Kind.DATE),
            Column(key="effective", title="Effective", kind=Kind.DATE),
            Column(key="line", title="Line", kind=Kind.INT),
            Column(key="owed_by", title="Owed by"),
            Column(key="kind", title="Kind"),
            Column(key="code", title="Code"),
            Column(key="payer", title="Payer"),
            Column(key="amount", title="Amount", kind=Kind.MONEY),
            Column(key="source", title="Source"),
            Column(key="reverses", title="Reverses", kind=Kind.ID),
        ],
        rows=entry_rows,
    )
    balance_rows = [
        {"owed_by": responsibility_name(resp), "balance": bal}
        for resp, bal in sorted(claims_repo.balances_of(session, claim.id).items(), key=lambda kv: (kv[0] == 0, kv[0]))
    ]
    balances = Report(
        name="balances",
        title="Balance by responsibility",
        columns=[Column(key="owed_by", title="Owed by"), Column(key="balance", title="Balance", kind=Kind.MONEY)],
        rows=balance_rows,
        totals={"owed_by": "Total", "balance": sum(r["balance"] for r in balance_rows)},
    )
    notes = Report(
        name="notes",
        title="Notes",
        columns=[Column(key="at", title="When"), Column(key="by", title="By"), Column(key="text", title="Note")],
        rows=[
            {"at": at.strftime("%Y-%m-%d %H:%M"), "by": by, "text": text}
            for at, by, text in claim_sql.claim_notes(session, claim.id)
        ],
    )
    return ClaimDetail(
        header=header,
        coverages=coverages,
        lines=lines,
        entries=entries,
        balances=balances,
        notes=notes,
        timeline=claim_timeline(session, claim.id),
    )
