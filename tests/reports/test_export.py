"""Auditor exports on the sample practice, against SQLite and PostgreSQL: re-read with
pandas, the totals are the ledger's; the manifest names the file by its hash; PHI and
formula injection; a failure leaves nothing behind."""

import hashlib
import json
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from ar_cli.domain.errors import InputError
from ar_cli.domain.export import ExportFormat, ExportKind, ExportRequest
from ar_cli.domain.money import cents_to_text
from ar_cli.reports.exports import run as export_module
from ar_cli.reports.exports.run import run_export
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_files
from ar_cli.store.tables import AuditEventRow, ClaimBalanceRow, LedgerEntryRow, PatientRow, RemittanceRow
from conftest import POSTING, REPO
from support import CLAIMS_HEADER, write_csv

SAMPLE = REPO / "sample_data"
JUNE = (date(2026, 6, 1), date(2026, 6, 30))


@pytest.fixture
def sample(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _request(kind, fmt=ExportFormat.CSV, **kw):
    return ExportRequest(kind=kind, start=JUNE[0], end=JUNE[1], fmt=fmt, **kw)


def _cents(series) -> int:
    return sum(round(float(v) * 100) for v in series)


def _events(ledger) -> int:
    with ledger.read() as session:
        return session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()


def test_ledger_csv_totals_equal_the_ledger_and_the_manifest_names_the_file(sample, actor, out):
    done = run_export(sample, _request(ExportKind.LEDGER), output=out, actor=actor)
    assert done.path == out / "ledger_2026-06-01_2026-06-30.csv"
    frame = pd.read_csv(done.path, dtype={"claim_number": str, "patient_account": str, "trace_number": str})
    with sample.read() as session:
        count, total = session.execute(
            select(func.count(), func.sum(LedgerEntryRow.amount)).where(LedgerEntryRow.posting_date.between(*JUNE))
        ).one()
    assert len(frame) == count == done.manifest["rows"]
    assert _cents(frame["amount"]) == total
    manifest = json.loads(done.manifest_path.read_text())
    assert manifest["sha256"] == hashlib.sha256(done.path.read_bytes()).hexdigest()
    assert manifest["bytes"] == done.path.stat().st_size
    assert round(manifest["totals"]["amount"] * 100) == total
    assert manifest["filters"] == {"from": "2026-06-01", "to": "2026-06-30", "include_phi": False}
    assert manifest["tool"].startswith("ar-cli ") and manifest["phi"] == "masked"
    # Every row names its source: an ERA with its trace number, the claims file with a line, or a user.
    assert set(frame["source_type"]) == {"ERA", "claims file"}
    era = frame[frame["source_type"] == "ERA"]
    assert era["source_file"].str.endswith(".835").all() and era["trace_number"].notna().all()
    assert frame[frame["source_type"] == "claims file"]["source_ref"].str.match(r"^line \d+$").all()
    # Masked unless asked, and a file without PHI is readable by others.
    assert frame["patient_name"].str.fullmatch(r"\w\*\*\*(, \w\*\*\*)?").all()
    assert oct(done.path.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in out.iterdir()) == [done.path.name, done.manifest_path.name]


def test_xlsx_types_cells_and_totals_match(sample, actor, out):
    done = run_export(sample, _request(ExportKind.CLAIMS, ExportFormat.XLSX), output=out / "c.xlsx", actor=actor)
    frame = pd.read_excel(done.path, dtype={"claim_number": str, "patient_account": str})
    with sample.read() as session:
        balance = session.execute(select(func.sum(ClaimBalanceRow.balance))).scalar_one()
    assert _cents(frame["balance"]) == balance
    assert done.manifest["totals"]["balance"] == cents_to_text(balance)
    assert frame["claim_number"].str.startswith("CLM").all()
    assert done.manifest["sha256"] == hashlib.sha256(done.path.read_bytes()).hexdigest()


def test_remittances_tie_to_the_bank(sample, actor, out):
    done = run_export(sample, _request(ExportKind.REMITTANCES, bom=True), output=out / "r.csv", actor=actor)
    assert done.path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(done.path, encoding="utf-8-sig")
    with sample.read() as session:
        total = session.execute(select(func.sum(RemittanceRow.amount))).scalar_one()
    assert _cents(frame["amount"]) == total
    assert _cents(frame["claim_payments"]) + _cents(frame["unapplied"]) == total


def test_phi_included_is_private_and_audited(sample, actor, out):
    done = run_export(sample, _request(ExportKind.CLAIMS, include_phi=True), output=out / "c.csv", actor=actor)
    assert oct(done.path.stat().st_mode & 0o777) == "0o600"
    frame = pd.read_csv(done.path, dtype=str)
    assert not frame["patient_name"].str.contains(r"\*\*\*").any()
    assert frame["patient_birth_date"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    with sample.read() as session:
        event = session.get(AuditEventRow, done.audit_event_id)
    assert event.action == "export.claims" and json.loads(event.details)["phi"] == "included"
    assert event.entity_key == done.manifest["sha256"]


def test_formula_injection_is_neutralised_and_numbers_are_not(ledger, actor, tmp_path, out):
    names = ['"=HYPERLINK(""http://x"",""y"")"', "+SUM(1)", "-2+3", "@cmd", "Tab\tTom"]
    rows = [
        f"CLM9{n},PT9{n},{name},1950-01-01,ACM01,Acme,2026-06-01,2026-06-02,99213,,1,-0.00,M{n},,,,".replace(
            "-0.00", "100.00"
        )
        for n, name in enumerate(names)
    ]
    import_claims(ledger, write_csv(tmp_path / "c.csv", CLAIMS_HEADER, *rows), actor=actor, posting_date=POSTING)
    done = run_export(ledger, _request(ExportKind.LEDGER, include_phi=True), output=out / "l.csv", actor=actor)
    frame = pd.read_csv(done.path, dtype=str, keep_default_na=False)
    with ledger.read() as session:
        stored = [
            f"{last}, {first}" if first else last
            for last, first in session.execute(select(PatientRow.last_name, PatientRow.first_name))
        ]
    starts = sorted(n[0] for n in stored)
    assert starts == sorted("=+-@T")  # the import kept the dangerous first characters
    assert sorted(frame["patient_name"]) == sorted(n if n.startswith("T") else "'" + n for n in stored)
    masked = run_export(ledger, _request(ExportKind.LEDGER), output=out / "m.csv", actor=actor)
    masked_names = pd.read_csv(masked.path, dtype=str)["patient_name"].tolist()
    assert sorted(n[:2] for n in masked_names) == sorted(["'=", "'+", "'-", "'@", "T*"])
    assert frame["amount"].tolist() == ["100.00"] * 5 and frame["claim_number"].str.startswith("CLM9").all()


def test_negative_amounts_stay_numbers(sample, actor, out):
    done = run_export(sample, _request(ExportKind.LEDGER), output=out / "l.csv", actor=actor)
    assert "'-" not in done.path.read_text()
    amounts = pd.read_csv(done.path)["amount"]
    assert amounts.dtype.kind == "f" and (amounts < 0).any()


def test_a_failure_before_the_rename_leaves_nothing(sample, actor, out, monkeypatch):
    before = _events(sample)

    def refuse(*_a, **_k):
        raise InputError("recording refused")

    monkeypatch.setattr(export_module, "record_export", refuse)
    with pytest.raises(InputError):
        run_export(sample, _request(ExportKind.LEDGER, include_phi=True), output=out, actor=actor)
    assert list(out.iterdir()) == []
    assert _events(sample) == before


@pytest.mark.parametrize(
    "output,message",
    [
        ("missing/l.csv", "folder"),
        ("file.txt/l.csv", "folder"),
        (None, "--output: give the file"),
    ],
)
def test_unwritable_output_is_refused_before_reading(sample, actor, out, output, message):
    (out / "file.txt").write_text("x")
    before = _events(sample)
    with pytest.raises(InputError, match=message):
        run_export(sample, _request(ExportKind.LEDGER), output=None if output is None else out / output, actor=actor)
    assert sorted(p.name for p in out.iterdir()) == ["file.txt"]
    assert _events(sample) == before


def test_from_after_to_is_refused():
    with pytest.raises(InputError, match="--from 2026-07-01 is after --to 2026-06-30"):
        ExportRequest(kind=ExportKind.LEDGER, start=date(2026, 7, 1), end=date(2026, 6, 30))


def test_ledger_dates_are_iso_whatever_the_servers_date_style(pg_url, actor, out):
    """PostgreSQL casts a date to text in the server's DateStyle: the export spells it itself."""
    import psycopg

    from ar_cli.services.schema_admin import upgrade_ledger
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{pg_url.rsplit('/', 1)[1]}\" SET DateStyle = 'SQL, DMY'")
    upgrade_ledger(resolve_location(pg_url))
    ledger = Ledger(resolve_location(pg_url)).open()
    try:
        import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
        done = run_export(ledger, _request(ExportKind.LEDGER), output=out, actor=actor)
    finally:
        ledger.dispose()
    frame = pd.read_csv(done.path, dtype=str)
    assert set(frame["posting_date"]) == {"2026-06-30"}
    assert frame["effective_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
