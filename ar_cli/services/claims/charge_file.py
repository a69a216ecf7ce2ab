"""`claims import`: a practice-management charge export into the ledger.

One file = one transaction. Rows the ledger already holds add nothing; a claim or line
that exists with other values is held as an exception (never overwritten) while the
rest imports; a file with any unreadable row is refused whole.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ar_cli.domain.claims.charge_columns import check_header
from ar_cli.domain.claims.charge_file import ClaimRowReader
from ar_cli.domain.claims.records import PATIENT, ClaimIn, line_fields, line_key
from ar_cli.domain.errors import InputError, InputProblems
from ar_cli.domain.payers import FirstSight
from ar_cli.services.context import Actor, Progress, no_progress
from ar_cli.services.source_files import FileFacts, file_facts
from ar_cli.store import claims_repo, payers_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.tables import (
    ClaimLineRow,
    ClaimRow,
    CoverageRow,
    ExceptionRow,
    LedgerEntryRow,
    PatientRow,
    SourceFileRow,
)

_CHUNK_ROWS = 5000
_PATIENTS_KEPT = 50_000  # patient ids by account kept between chunks


@dataclass(kw_only=True)
class ClaimsImportResult:
    file: str
    rows: int = 0
    claims_new: int = 0
    lines_new: int = 0
    charges_new: int = 0
    claims_unchanged: int = 0
    lines_unchanged: int = 0
    lines_added_to_existing: int = 0
    payers_created: int = 0
    patients_created: int = 0
    exception_ids: list[int] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.exception_ids)


def _rows(path: Path):
    """The header (as line 1), then (line number, values) for each non-blank data row."""
    name = str(path)
    line = 1
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            yield 1, header
            for row in reader:
                if row and (len(row) > 1 or row[0].strip()):
                    yield line + 1, row
                line = reader.line_num
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); export the file as UTF-8 CSV") from None
    except csv.Error as exc:
        raise InputError(f"{name}: line {line + 1}: not valid CSV: {exc}") from None


def import_claims(
    ledger: Ledger, path: Path, *, actor: Actor, posting_date: date, progress: Progress = no_progress
) -> ClaimsImportResult:
    """One pass, one transaction: rows are validated and written in chunks; a file with
    any bad row raises InputProblems and the transaction rolls back (ledger unchanged).
    A posting date in a closed month is refused before the file is read."""
    from ar_cli.services.periods import refuse_closed_period

    refuse_closed_period(ledger, posting_date)
    facts = file_facts(path)
    name = str(path)
    rows = _rows(path)
    _, header = next(rows)
    problems = check_header(header, name)
    if problems:
        raise InputProblems(problems)
    reader = ClaimRowReader(name, header)
    result = ClaimsImportResult(file=name)
    with ledger.write() as session:
        ensure_period_open(session, posting_date)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        importer = _Importer(session, rec, facts, actor, posting_date, result)
        for line, row in rows:
            reader.add(line, row)
            result.rows += 1
            if result.rows % _CHUNK_ROWS == 0 and not reader.problem_count:
                importer.run(reader.flush())
                progress("import", result.rows, 0)
        if reader.problem_count:
            raise InputProblems(reader.problems, more=reader.problem_count - len(reader.problems))
        if result.rows == 0:
            raise InputError(f"{name}: has a header but no rows")
        importer.run(reader.flush())
        progress("import", result.rows, result.rows)
        if rec.changed:
            rec.finish(
                action="claims.import",
                entity="source_file",
                entity_key=facts.sha256,
                source=str(path),
                details={
                    "claims_new": result.claims_new,
                    "lines_new": result.lines_new,
                    "charges_new": result.charges_new,
                    "exceptions": result.exception_ids,
                },
            )
    return result


class _Importer:
    def __init__(
        self,
        session,
        rec: ChangeRecorder,
        facts: FileFacts,
        actor: Actor,
        posting_date: date,
        result: ClaimsImportResult,
    ) -> None:
        self.session, self.rec, self.facts = session, rec, facts
        self.actor, self.posting_date, self.result = actor, posting_date, result
        self._source_id: int | None = None
        self._payer_ids: dict[str, int] = {}
        self._patient_ids: dict[str, int] = {}
        self._created: set[str] = set()  # claims this file created (their later lines are new too)

    def source_id(self) -> int:
        if self._source_id is None:
            self._source_id = self.rec.insert_one(
                SourceFileRow,
                {
                    "kind": "claims_csv",
                    "name": self.facts.path.name,
                    "sha256": self.facts.sha256,
                    "byte_size": self.facts.byte_size,
                    "posting_date": self.posting_date,
                    "read_at": self.actor.now,
                    "read_by": self.actor.user,
                },
            )
        return self._source_id

    def run(self, claims: list[ClaimIn]) -> None:
        existing = claims_repo.claims_by_number(self.session, [c.claim_number for c in claims])
        new_claims = [c for c in claims if c.claim_number not in existing]
        for claim in claims:
            stored = existing.get(claim.claim_number)
            if stored is not None:
                self._compare_existing(claim, stored)
        if new_claims:
            self._insert_new(new_claims)

    # -- claims the ledger already holds ----------------------------------------------
    def _compare_existing(self, claim: ClaimIn, stored) -> None:
        if claim.claim_fields() != stored.claim_fields():
            self._exception(
                "claim_conflict",
                claim,
                f"claim {claim.claim_number}: claim-level values differ from the ledger",
                stored=stored.claim_fields(),
                incoming=_incoming_claim(claim),
            )
            return
        stored_lines = {line_key(ln.line_control_number, ln.line_number): ln for ln in stored.lines}
        added, conflicts = [], 0
        for line in claim.lines:
            key = line_key(line.line_control_number, line.line_number)
            held = stored_lines.get(key)
            if held is None:
                added.append(line)
            elif line_fields(held) == line_fields(line):
                self.result.lines_unchanged += 1
            else:
                conflicts += 1
                self._exception(
                    "line_conflict",
                    claim,
                    f"claim {claim.claim_number} line {key}: differs from the ledger",
                    stored=line_fields(held),
                    incoming={"line_key": key, **line_fields(line)},
                    ref=f"line {line.source_line}",
                    amount=line.charge - held.charge,
                )
        if added:
            # A late charge: a line the ledger does not hold yet joins the claim.
            start = max((ln.line_number for ln in stored.lines), default=0)
            ids = self.rec.insert(
                ClaimLineRow,
                [_line_row(stored.id, start + i, line) for i, line in enumerate(added, 1)],
                returning_ids=True,
            )
            payer = stored.coverages[0].payer_id if stored.coverages else None
            self._charges(
                stored.id, stored.first_responsibility, payer, list(zip(ids, added)), since=stored.billed_date
            )
            if claim.claim_number in self._created:
                self.result.lines_new += len(added)
            else:
                self.result.lines_added_to_existing += len(added)
        elif not conflicts and claim.claim_number not in self._created:
            self.result.claims_unchanged += 1

    def _exception(
        self, kind: str, claim: ClaimIn, summary: str, *, stored, incoming, ref: str = "", amount: int = 0
    ) -> None:
        payload = {"claim_number": claim.claim_number, "stored": stored, "incoming": incoming}
        exception_id = self.rec.insert_one(
            ExceptionRow,
            {
                "kind": kind,
                "status": "open",
                "claim_number": claim.claim_number,
                "amount": amount,
                "summary": summary,
                "payload": json.dumps(payload, sort_keys=True, default=str),
                "source_file_id": self.source_id(),
                "source_ref": ref or f"line {claim.source_line}",
                "created_at": self.actor.now,
            },
        )
        self.result.exception_ids.append(exception_id)

    # -- new claims, in bulk --------------------------------------------------------
    def _insert_new(self, claims: list[ClaimIn]) -> None:
        payer_ids = self._ensure_payers(claims)
        patient_ids = self._ensure_patients(claims)
        source_id = self.source_id()
        claim_ids = self.rec.insert(
            ClaimRow,
            [
                {
                    "claim_number": c.claim_number,
                    "patient_id": patient_ids[c.patient_account],
                    "billing_npi": c.billing_npi,
                    "rendering_npi": c.rendering_npi,
                    "place_of_service": c.place_of_service,
                    "frequency_code": c.frequency_code,
                    "original_claim_ref": c.original_claim_ref,
                    "billed_date": c.billed_date,
                    "first_service_date": c.first_service_date,
                    "status": "billed",
                    "created_at": self.actor.now,
                    "source_file_id": source_id,
                }
                for c in claims
            ],
            returning_ids=True,
        )
        self.rec.insert(
            CoverageRow,
            [
                {"claim_id": cid, "rank": cov.rank, "payer_id": payer_ids[cov.payer_code], "member_id": cov.member_id}
                for cid, c in zip(claim_ids, claims)
                for cov in c.coverages
            ],
        )
        line_ids = self.rec.insert(
            ClaimLineRow,
            [_line_row(cid, line.line_number, line) for cid, c in zip(claim_ids, claims) for line in c.lines],
            returning_ids=True,
        )
        entries, deltas, since = [], {}, {}
        lines_iter = iter(line_ids)
        for cid, c in zip(claim_ids, claims):
            resp = c.coverages[0].rank if c.coverages else PATIENT
            payer = payer_ids[c.coverages[0].payer_code] if c.coverages else None
            for line in c.lines:
                entries.append(self._charge_row(cid, next(lines_iter), resp, payer, line))
            deltas[(cid, resp)] = c.total_charge
            since[(cid, resp)] = c.billed_date
        self.rec.insert(LedgerEntryRow, entries)
        claims_repo.apply_balance_deltas(self.session, deltas, since=since)
        self._created.update(c.claim_number for c in claims)
        self.result.claims_new += len(claims)
        self.result.lines_new += len(entries)
        self.result.charges_new += sum(e["amount"] for e in entries)

    def _charges(self, claim_id: int, resp: int, payer_id: int | None, lines, *, since: date) -> None:
        entries = [self._charge_row(claim_id, line_id, resp, payer_id, line) for line_id, line in lines]
        self.rec.insert(LedgerEntryRow, entries)
        total = sum(e["amount"] for e in entries)
        claims_repo.apply_balance_deltas(self.session, {(claim_id, resp): total}, since={(claim_id, resp): since})
        self.result.charges_new += total

    def _charge_row(self, claim_id: int, line_id: int, resp: int, payer_id: int | None, line) -> dict:
        return {
            "claim_id": claim_id,
            "line_id": line_id,
            "responsibility": resp,
            "kind": "charge",
            "amount": line.charge,
            "posting_date": self.posting_date,
            "effective_date": line.service_from,
            "payer_id": payer_id,
            "source_file_id": self.source_id(),
            "source_ref": f"line {line.source_line}",
            "created_by": self.actor.user,
        }

    def _ensure_payers(self, claims: list[ClaimIn]) -> dict[str, int]:
        names = {
            cov.payer_code: cov.payer_name
            for c in claims
            for cov in c.coverages
            if cov.payer_code not in self._payer_ids
        }
        if names:
            known = {code: row.id for code, row in payers_repo.payers_by_code(self.session, names).items()}
            new = {code: name for code, name in names.items() if code not in known}
            if new:
                known.update(
                    payers_repo.create_payers(
                        self.rec, [FirstSight(code=c, name=new[c]) for c in sorted(new)], self.actor.now
                    )
                )
                self.result.payers_created += len(new)
            self._payer_ids.update(known)
        return self._payer_ids

    def _ensure_patients(self, claims: list[ClaimIn]) -> dict[str, int]:
        if len(self._patient_ids) > _PATIENTS_KEPT:
            # A charge file of a million patients would keep them all; the ledger (same
            # transaction) answers for those read or created earlier in the file.
            self._patient_ids.clear()
        first_seen: dict[str, ClaimIn] = {}
        for c in claims:
            if c.patient_account not in self._patient_ids:
                first_seen.setdefault(c.patient_account, c)
        known = self._patient_ids
        known.update({acct: row.id for acct, row in payers_repo.patients_by_account(self.session, first_seen).items()})
        new = [c for acct, c in first_seen.items() if acct not in known]
        ids = self.rec.insert(
            PatientRow,
            [
                {
                    "account": c.patient_account,
                    "last_name": c.patient_last,
                    "first_name": c.patient_first,
                    "birth_date": c.patient_birth_date,
                    "created_at": self.actor.now,
                }
                for c in new
            ],
            returning_ids=True,
        )
        known.update({c.patient_account: i for c, i in zip(new, ids)})
        self.result.patients_created += len(new)
        return known


def _line_row(claim_id: int, line_number: int, line) -> dict:
    return {
        "claim_id": claim_id,
        "line_number": line_number,
        "line_control_number": line.line_control_number,
        "procedure_code": line.procedure_code,
        "modifiers": ":".join(line.modifiers),
        "units": line.units,
        "charge": line.charge,
        "service_from": line.service_from,
        "service_to": line.service_to,
    }


def _incoming_claim(claim: ClaimIn) -> dict:
    return {
        **claim.claim_fields(),
        "coverages_full": [[c.rank, c.payer_code, c.payer_name, c.member_id] for c in claim.coverages],
        "lines": [
            {"line_key": line_key(ln.line_control_number, ln.line_number), **line_fields(ln)} for ln in claim.lines
        ],
    }
