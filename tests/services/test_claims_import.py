"""Claims intake against real SQLite and PostgreSQL ledgers."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ar_cli.domain.errors import InputError, InputProblems
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.exceptions import resolve_exception
from ar_cli.store.tables import (
    AuditEventRow,
    ClaimRow,
    ExceptionRow,
    LedgerEntryRow,
    PatientRow,
    PayerRow,
)
from conftest import POSTING
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

ROW_1 = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,25,1,145.00,1EG4,MGAP1,Medigap G,MG9,C1-1'
ROW_2 = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,36415,,1,25.00,1EG4,MGAP1,Medigap G,MG9,C1-2'
ROW_3 = 'C2,A2,"ROE, RICH",1980-07-09,ACME1,Acme Health Plan,2026-05-10,2026-05-12,99214,,1,210.50,AC5,,,,'
ROW_SELF = 'C3,A3,"POE, ED",1975-01-01,,,2026-06-01,2026-06-02,99203,,1,180.00,,,,,'


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_import_creates_claims_charges_payers_and_audit(ledger, actor, tmp_path):
    path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW_1, ROW_2, ROW_3, ROW_SELF)
    result = import_claims(ledger, path, actor=actor, posting_date=POSTING)
    assert (result.claims_new, result.lines_new, result.charges_new) == (3, 4, 56050)
    assert result.payers_created == 3 and result.patients_created == 3
    with ledger.read() as session:
        entries = session.execute(select(LedgerEntryRow).order_by(LedgerEntryRow.id)).scalars().all()
        assert [(e.kind, e.amount, e.responsibility) for e in entries] == [
            ("charge", 14500, 1),
            ("charge", 2500, 1),
            ("charge", 21050, 1),
            ("charge", 18000, 0),
        ]
        assert all(e.source_ref.startswith("line ") and e.source_file_id for e in entries)
        assert {p.code: p.financial_class for p in session.execute(select(PayerRow)).scalars()} == {
            "MCR01": "medicare",
            "MGAP1": "other",
            "ACME1": "other",
        }
        medicare = session.execute(select(PayerRow).where(PayerRow.code == "MCR01")).scalar_one()
        assert f"{medicare.timely_filing_count}{medicare.timely_filing_unit}" == "12m"
        assert_balances_equal_entries(session)
        assert assert_audit_chain_intact(session) == 1


def test_reimport_adds_nothing(ledger, actor, tmp_path):
    path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW_1, ROW_2, ROW_3)
    import_claims(ledger, path, actor=actor, posting_date=POSTING)
    again = import_claims(ledger, path, actor=actor, posting_date=POSTING)
    assert (again.claims_new, again.lines_new, again.claims_unchanged, again.exception_ids) == (0, 0, 2, [])
    with ledger.read() as session:
        assert _count(session, LedgerEntryRow) == 3
        assert _count(session, AuditEventRow) == 1  # nothing changed, nothing audited


def test_cumulative_export_adds_only_the_new_line(ledger, actor, tmp_path):
    import_claims(ledger, write_csv(tmp_path / "a.csv", CLAIMS_HEADER, ROW_1), actor=actor, posting_date=POSTING)
    result = import_claims(
        ledger, write_csv(tmp_path / "b.csv", CLAIMS_HEADER, ROW_1, ROW_2, ROW_3), actor=actor, posting_date=POSTING
    )
    assert (result.claims_new, result.lines_added_to_existing) == (1, 1)
    with ledger.read() as session:
        assert _count(session, LedgerEntryRow) == 3
        assert_balances_equal_entries(session)


def test_changed_line_is_held_then_accepted_as_reversal_and_new_charge(ledger, actor, tmp_path):
    import_claims(ledger, write_csv(tmp_path / "a.csv", CLAIMS_HEADER, ROW_1, ROW_2), actor=actor, posting_date=POSTING)
    changed = ROW_2.replace(",25.00,", ",30.00,")
    result = import_claims(
        ledger, write_csv(tmp_path / "b.csv", CLAIMS_HEADER, ROW_1, changed, ROW_3), actor=actor, posting_date=POSTING
    )
    assert result.claims_new == 1 and len(result.exception_ids) == 1
    with ledger.read() as session:
        held = session.get(ExceptionRow, result.exception_ids[0])
        assert (held.kind, held.status, held.claim_number, held.amount) == ("line_conflict", "open", "C1", 500)
        assert json.loads(held.payload)["incoming"]["charge"] == 3000
        assert _count(session, LedgerEntryRow) == 3  # not applied
    resolve_exception(
        ledger, result.exception_ids[0], accept=True, note="PM corrected the fee", actor=actor, posting_date=POSTING
    )
    with ledger.read() as session:
        entries = (
            session.execute(select(LedgerEntryRow).where(LedgerEntryRow.claim_id == 1).order_by(LedgerEntryRow.id))
            .scalars()
            .all()
        )
        assert [(e.amount, e.reverses_id is not None) for e in entries] == [
            (14500, False),
            (2500, False),
            (-2500, True),
            (3000, False),
        ]
        assert session.get(ExceptionRow, result.exception_ids[0]).status == "accepted"
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
    with pytest.raises(InputError, match="already accepted"):
        resolve_exception(ledger, result.exception_ids[0], accept=False, note="x", actor=actor, posting_date=POSTING)


def test_changed_payer_is_a_claim_conflict(ledger, actor, tmp_path):
    import_claims(ledger, write_csv(tmp_path / "a.csv", CLAIMS_HEADER, ROW_3), actor=actor, posting_date=POSTING)
    moved = ROW_3.replace("ACME1,Acme Health Plan", "BCBS1,Blue Plan")
    result = import_claims(
        ledger, write_csv(tmp_path / "b.csv", CLAIMS_HEADER, moved), actor=actor, posting_date=POSTING
    )
    assert len(result.exception_ids) == 1
    resolve_exception(
        ledger, result.exception_ids[0], accept=True, note="payer corrected", actor=actor, posting_date=POSTING
    )
    with ledger.read() as session:
        from ar_cli.store.claims_repo import get_claim

        assert [c.payer_code for c in get_claim(session, "C2").coverages] == ["BCBS1"]
        assert_audit_chain_intact(session)


def test_bad_file_changes_nothing(ledger, actor, tmp_path):
    path = write_csv(tmp_path / "bad.csv", CLAIMS_HEADER, ROW_1, ROW_2.replace("2026-05-01", "2026-13-01"))
    with pytest.raises(InputProblems) as caught:
        import_claims(ledger, path, actor=actor, posting_date=POSTING)
    assert str(caught.value).startswith(f"{path}: line 3: service_date: is not a real date")
    with ledger.read() as session:
        assert _count(session, ClaimRow) == 0 and _count(session, AuditEventRow) == 0


LINE = st.fixed_dictionaries(
    {
        "claim": st.sampled_from(["K1", "K2", "K3"]),
        "code": st.sampled_from(["99213", "36415", "93000"]),
        "charge": st.integers(min_value=0, max_value=50_000),
        "lcn": st.integers(min_value=1, max_value=3),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.lists(LINE, min_size=1, max_size=5), min_size=1, max_size=4))
def test_any_sequence_of_imports_keeps_balances_equal_to_entries(sqlite_url, actor, tmp_path_factory, files):
    """Property: whatever imports run (new, repeated, conflicting), every claim's cached
    balance equals the sum of its entries and the audit chain holds."""
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    folder = tmp_path_factory.mktemp("imports")
    ledger = Ledger(resolve_location(str(folder / "l.sqlite"))).open()
    for number, lines in enumerate(files):
        rows = []
        for line in lines:
            rows.append(
                f'{line["claim"]},A{line["claim"]},"DOE, J",1950-01-01,P1,Payer One,2026-05-01,'
                f"2026-05-02,{line['code']},,1,{line['charge'] / 100:.2f},M1,,,,{line['claim']}-{line['lcn']}"
            )
        path = write_csv(folder / f"f{number}.csv", CLAIMS_HEADER, *rows)
        try:
            result = import_claims(ledger, path, actor=actor, posting_date=POSTING)
        except InputProblems:
            continue  # a repeated control number inside one file: refused whole
        for exception_id in result.exception_ids[:1]:
            resolve_exception(ledger, exception_id, accept=True, note="take it", actor=actor, posting_date=POSTING)
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
    ledger.dispose()


def test_claim_spread_through_a_large_file_keeps_its_lines(ledger, actor, tmp_path):
    """Lines of one claim far apart (beyond a write chunk) still make one claim, and a
    bad row at the very end refuses the file after chunks were written: rolled back."""
    from ar_cli.services.claims import charge_file as claims_import

    rows = [ROW_1.replace("C1-1", "C1-A")]
    rows += [ROW_3.replace("C2,", f"D{i},").replace("A2,", f"B{i},") for i in range(claims_import._CHUNK_ROWS + 5)]
    rows.append(ROW_1.replace("C1-1", "C1-B").replace("99213", "36415"))
    result = import_claims(
        ledger, write_csv(tmp_path / "big.csv", CLAIMS_HEADER, *rows), actor=actor, posting_date=POSTING
    )
    assert result.claims_new == claims_import._CHUNK_ROWS + 6
    assert result.lines_new == len(rows) and result.lines_added_to_existing == 0
    with ledger.read() as session:
        from ar_cli.store.claims_repo import get_claim

        assert [(ln.line_number, ln.procedure_code) for ln in get_claim(session, "C1").lines] == [
            (1, "99213"),
            (2, "36415"),
        ]
        assert_balances_equal_entries(session)
    bad = rows[:-1] + [ROW_1.replace("C1-1", "C1-C").replace("145.00", "oops")]
    with pytest.raises(InputProblems):
        import_claims(
            ledger,
            write_csv(tmp_path / "bad.csv", CLAIMS_HEADER, *[r.replace("D", "E") for r in bad]),
            actor=actor,
            posting_date=POSTING,
        )
    with ledger.read() as session:
        assert _count(session, ClaimRow) == claims_import._CHUNK_ROWS + 6
        assert _count(session, AuditEventRow) == 1


def test_patients_met_again_after_the_kept_ids_are_dropped_are_not_created_twice(ledger, actor, tmp_path, monkeypatch):
    """Patient ids by account are kept between chunks only up to a bound; a patient met
    again after that is found in the ledger (same transaction), not created again."""
    from ar_cli.services.claims import charge_file as claims_import

    monkeypatch.setattr(claims_import, "_CHUNK_ROWS", 2)
    monkeypatch.setattr(claims_import, "_PATIENTS_KEPT", 1)
    rows = [ROW_3.replace("C2,", f"D{i},").replace("A2,", f"B{i % 3},") for i in range(9)]
    result = import_claims(
        ledger, write_csv(tmp_path / "p.csv", CLAIMS_HEADER, *rows), actor=actor, posting_date=POSTING
    )
    assert (result.claims_new, result.patients_created) == (9, 3)
    with ledger.read() as session:
        accounts = session.execute(
            select(PatientRow.account, func.count()).group_by(PatientRow.account).order_by(PatientRow.account)
        ).all()
        assert [tuple(a) for a in accounts] == [("B0", 1), ("B1", 1), ("B2", 1)]
        assert_balances_equal_entries(session)
