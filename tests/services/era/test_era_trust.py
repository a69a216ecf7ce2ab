"""Trust in every cent (issue 13): ERA posting against real SQLite and PostgreSQL ledgers.

Repeated denials are one denial, and open denials never hold more than a coverage
owes (checked by `audit verify`); a notification-only remittance moves no money; a
missing SVC02/SVC03 holds its claim; a forced remittance ties through unapplied and is
listed; a rejected remittance does not block a later post; a payer without ids posts
again; one conflict is one exception; a repeated claim number is held, not posted twice.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import func, select

from ar_cli.reports.audit.verify import verify_ledger
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file
from ar_cli.store.tables import (
    DenialRow,
    ExceptionRow,
    LedgerEntryRow,
    PayerRow,
    RemittanceRow,
    UnappliedEntryRow,
)
from conftest import POSTING
from denial_eras import claim, claims_csv, era, line, money
from ledger_checks import assert_balances_equal_entries


@pytest.fixture
def practice(ledger, actor, tmp_path):
    import_claims(ledger, claims_csv(tmp_path), actor=actor, posting_date=POSTING)
    return ledger


def post(ledger, actor, path, *, force=False, dry_run=False, create_claims=False):
    return post_era_file(
        ledger, path, actor=actor, posting_date=POSTING, dry_run=dry_run, force=force, create_claims=create_claims
    )


def rewrite(path, old: str, new: str, count: int = 1):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))
    return path


def run_sql(url: str, sql: str) -> None:
    """Change the ledger behind the application's back, as a person with sqlite3 or psql could."""
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(sql)
    else:
        with sqlite3.connect(url) as conn:
            conn.execute(sql)


def denied_d2(tmp_path, name, trace, date):
    """Acme denies D2 (200.00, one line) whole: CO-16 on its line."""
    return era(
        tmp_path / name,
        "ACME1",
        trace,
        date,
        claim("D2", "1", 20000, 0, "PCN-D2", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "16", 20000))]),
    )


def open_denials(ledger):
    with ledger.read() as session:
        return session.execute(
            select(
                DenialRow.reason_code,
                DenialRow.amount,
                DenialRow.times_denied,
                DenialRow.last_denied_on,
                DenialRow.denied_on,
            )
            .where(DenialRow.status == "open")
            .order_by(DenialRow.id)
        ).all()


def denial_breaks(ledger):
    return [f for f in verify_ledger(ledger).findings if f.check == "denial"]


# -- item 2: a denial said again is the same denial; open denials ≤ what is owed ------------


def test_a_remittance_resent_under_a_new_trace_opens_no_second_denial(practice, actor, tmp_path):
    post(practice, actor, denied_d2(tmp_path, "a.835", "T1", "20260510"))
    again = post(practice, actor, denied_d2(tmp_path, "b.835", "T2", "20260601"))
    assert again.remittances[0].status == "posted" and again.remittances[0].denials_repeated == 1
    assert open_denials(practice) == [("16", 20000, 2, date(2026, 6, 1), date(2026, 5, 10))]
    result = verify_ledger(practice)
    assert result.clean, [str(f) for f in result.findings]


def test_another_reason_on_a_fully_denied_line_opens_nothing_more(practice, actor, tmp_path):
    post(practice, actor, denied_d2(tmp_path, "a.835", "T1", "20260510"))
    other = era(
        tmp_path / "b.835",
        "ACME1",
        "T2",
        "20260601",
        claim("D2", "1", 20000, 0, "PCN-D2", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "197", 20000))]),
    )
    post(practice, actor, other)
    assert [(r, a) for r, a, *_ in open_denials(practice)] == [("16", 20000)]
    assert denial_breaks(practice) == []


def test_claim_number_repeated_in_one_file_is_held_and_never_denied_twice(practice, actor, tmp_path):
    copies = [
        claim("D2", "1", 20000, 0, "PCN-D2", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "16", 20000))])
        for _ in range(40)
    ]
    result = post(practice, actor, era(tmp_path / "r.835", "ACME1", "T1", "20260510", *copies))
    remittance = result.remittances[0]
    assert remittance.status == "posted"
    assert [(r, a) for r, a, *_ in open_denials(practice)] == [("16", 20000)]
    with practice.read() as session:
        held = session.execute(
            select(ExceptionRow.kind, ExceptionRow.summary).where(ExceptionRow.id.in_(remittance.exception_ids))
        ).all()
    assert len(held) == 39 and {kind for kind, _ in held} == {"repeated_claim_number"}
    assert "the claim number repeats within the remittance (first at segment 10)" in held[0][1]
    assert denial_breaks(practice) == []


def test_a_paid_claim_repeated_in_one_file_is_not_paid_twice(practice, actor, tmp_path):
    paid = claim("D2", "1", 20000, 15000, "PCN-D2", "AC222", [line("99214", 20000, 15000, "D2-1", ("CO", "45", 5000))])
    result = post(practice, actor, era(tmp_path / "p.835", "ACME1", "T1", "20260510", paid, paid))
    with practice.read() as session:
        payments = session.execute(
            select(func.sum(LedgerEntryRow.amount)).where(LedgerEntryRow.kind == "payment")
        ).scalar_one()
        kinds = session.execute(select(ExceptionRow.kind)).scalars().all()
        held = session.execute(select(func.sum(UnappliedEntryRow.amount))).scalar_one()
    assert payments == -15000 and kinds == ["repeated_claim_number"] and held == 15000
    assert result.remittances[0].status == "posted" and verify_ledger(practice).clean


def test_a_split_claim_and_a_correction_after_its_reversal_still_post(practice, actor, tmp_path):
    first = claim("D1", "1", 10000, 8000, "PCN-D1", "AC111", [line("99213", 10000, 8000, "D1-1", ("CO", "45", 2000))])
    second = claim("D1", "1", 2500, 2500, "PCN-D1B", "AC111", [line("36415", 2500, 2500, "D1-2")])
    result = post(practice, actor, era(tmp_path / "s.835", "ACME1", "T1", "20260510", first, second))
    assert result.remittances[0].exception_ids == []
    reversal = claim(
        "D1", "22", -10000, -8000, "PCN-D1", "AC111", [line("99213", -10000, -8000, "D1-1", ("CO", "45", -2000))]
    )
    again = claim("D1", "1", 10000, 9000, "PCN-D1", "AC111", [line("99213", 10000, 9000, "D1-1", ("CO", "45", 1000))])
    result = post(practice, actor, era(tmp_path / "c.835", "ACME1", "T2", "20260601", reversal, again))
    assert result.remittances[0].exception_ids == [] and result.remittances[0].reversed == 1
    with practice.read() as session:
        assert session.execute(
            select(func.sum(LedgerEntryRow.amount)).where(LedgerEntryRow.kind == "payment")
        ).scalar_one() == -(9000 + 2500)


@pytest.mark.parametrize(
    "name",
    [
        "keironstoddart__edi-835-parser__tests__test_edi_835_files__emedny_sample.txt",
        "albmarin__badX12__tests__files__edi__X221-multiple-claims-single-check.edi",
    ],
)
def test_public_files_whose_claims_share_a_claim_number(ledger, actor, shared_x12, name):
    result = post(ledger, actor, shared_x12 / name, create_claims=True)
    assert [r.status for r in result.remittances] == ["posted"]
    with ledger.read() as session:
        kinds = set(session.execute(select(ExceptionRow.kind)).scalars())
        per_claim = session.execute(
            select(func.count(), func.count(func.distinct(LedgerEntryRow.claim_id))).where(
                LedgerEntryRow.kind == "payment"
            )
        ).one()
    assert kinds <= {"repeated_claim_number"}
    verified = verify_ledger(ledger)
    assert verified.clean, [str(f) for f in verified.findings]
    assert per_claim[1] <= 1  # one claim number: at most one claim paid, by one payment's lines


def test_verify_reports_open_denials_beyond_what_the_coverage_owes(practice, actor, tmp_path, ledger_url):
    post(practice, actor, denied_d2(tmp_path, "a.835", "T1", "20260510"))
    assert denial_breaks(practice) == []
    run_sql(ledger_url, "UPDATE denial SET amount = 49712768")
    (finding,) = denial_breaks(practice)
    assert finding.ref == "claim D2 primary"
    assert finding.message == "open denials hold 497127.68, but the coverage owes 200.00 on the claim"


# -- item 4: notification only -------------------------------------------------------------


def test_notification_only_posts_adjudication_and_no_money(practice, actor, tmp_path):
    path = era(
        tmp_path / "h.835",
        "ACME1",
        "T1",
        "20260510",
        claim(
            "D2",
            "1",
            20000,
            0,
            "PCN-D2",
            "AC222",
            [line("99214", 20000, 0, "D2-1", ("CO", "45", 5000), ("CO", "16", 15000))],
        ),
        claim("NOPE9", "1", 150000, 150000, "PCN-X", "ZZ999", [line("99215", 150000, 150000, "X-1")]),
    )
    rewrite(path, "BPR*C*1500.00*C*CHK", "BPR*H*1500.00*C*NON")
    result = post(practice, actor, path).remittances[0]
    assert result.status == "notification" and result.money_paid == 0 and result.money_unapplied == 0
    assert any("BPR01 H (notification only) with BPR02 1500.00" in w for w in result.warnings)
    with practice.read() as session:
        kinds = dict(
            session.execute(
                select(LedgerEntryRow.kind, func.sum(LedgerEntryRow.amount))
                .where(LedgerEntryRow.kind != "charge")
                .group_by(LedgerEntryRow.kind)
            ).all()
        )
        unapplied = session.execute(select(func.count()).select_from(UnappliedEntryRow)).scalar_one()
        held = session.execute(select(ExceptionRow.kind, ExceptionRow.amount)).all()
    assert kinds == {"contractual": -5000} and unapplied == 0
    assert held == [("unmatched_claim", 150000)]  # named for a person, but no money waits for it
    assert [(r, a) for r, a, *_ in open_denials(practice)] == [("16", 15000)]
    assert verify_ledger(practice).clean


# -- item 5: SVC02 / SVC03 missing ---------------------------------------------------------


def test_a_line_without_svc03_holds_its_claim_and_the_rest_posts(practice, actor, tmp_path):
    path = era(
        tmp_path / "m.835",
        "ACME1",
        "T1",
        "20260510",
        claim(
            "D1",
            "1",
            12500,
            8000,
            "PCN-D1",
            "AC111",
            [line("99213", 10000, 8000, "D1-1", ("CO", "45", 2000)), line("36415", 2500, 0, "D1-2")],
        ),
        claim("D2", "1", 20000, 15000, "PCN-D2", "AC222", [line("99214", 20000, 15000, "D2-1", ("CO", "45", 5000))]),
    )
    rewrite(path, "SVC*HC:36415*25.00*0.00*", "SVC*HC:36415*25.00**")
    result = post(practice, actor, path).remittances[0]
    assert result.status == "posted" and result.money_paid == 15000 and result.money_unapplied == 8000
    with practice.read() as session:
        (held,) = session.execute(
            select(ExceptionRow.kind, ExceptionRow.claim_number, ExceptionRow.summary, ExceptionRow.source_ref)
        ).all()
    assert held[:2] == ("missing_line_amount", "D1") and held[3] == "segment 10"
    assert "segment 16: SVC03 (line paid) missing (required)" in held[2]
    assert verify_ledger(practice).clean


def test_public_file_with_an_empty_svc02_and_svc03_holds_that_claim(sqlite_url, actor, shared_x12):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    ledger = Ledger(resolve_location(sqlite_url)).open()
    result = post(
        ledger,
        actor,
        shared_x12 / "keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt",
        create_claims=True,
    ).remittances[0]
    assert result.status == "posted" and result.money_paid == 0 and result.money_unapplied == 192286
    with ledger.read() as session:
        assert session.execute(select(ExceptionRow.kind, ExceptionRow.summary)).one()[0] == "missing_line_amount"
        assert_balances_equal_entries(session)
    assert verify_ledger(ledger).clean
    ledger.dispose()


# -- item 6: forced ------------------------------------------------------------------------


def off_by(tmp_path, name, trace, cents):
    """D2 paid 150.00, but BPR02 says 150.00 + cents."""
    path = era(
        tmp_path / name,
        "ACME1",
        trace,
        "20260510",
        claim("D2", "1", 20000, 15000, "PCN-D2", "AC222", [line("99214", 20000, 15000, "D2-1", ("CO", "45", 5000))]),
    )
    return rewrite(path, "BPR*C*150.00*", f"BPR*C*{money(15000 + cents)}*")


def test_a_forced_remittance_holds_its_difference_in_unapplied_and_is_listed(practice, actor, tmp_path, ledger_url):
    result = post(practice, actor, off_by(tmp_path, "f.835", "T1", -2161), force=True).remittances[0]
    assert (result.status, result.difference) == ("forced", -2161)
    with practice.read() as session:
        assert session.execute(select(UnappliedEntryRow.reason, UnappliedEntryRow.amount)).all() == [
            ("forced_difference", -2161)
        ]
    verified = verify_ledger(practice)
    assert verified.clean and verified.remittances == 1
    assert [str(f) for f in verified.forced] == [
        f"remittance {verified.forced[0].remittance_id} (trace T1, payer ACME1, posted 2026-06-30): forced; BPR02 "
        "128.39, its claims and PLBs differ by -21.61, held in unapplied"
    ]
    from ar_cli.reports.nightly import gather_nightly

    night = gather_nightly(practice, as_of=POSTING, queue_limit=5)
    assert [(r["trace"], r["difference"]) for r in night.csv_reports()["forced_remittances.csv"].rows] == [
        ("T1", -2161)
    ]
    # Ledger = bank is checked for forced remittances too.
    run_sql(ledger_url, "UPDATE unapplied_entry SET amount = 0 WHERE reason = 'forced_difference'")
    # The rows check names the changed unapplied row as well (tests/services/test_audit_rows.py).
    assert [f.check for f in verify_ledger(practice).findings if f.check != "rows"] == ["remittance"]


# -- item 8: a rejected remittance does not block later posts ------------------------------


def test_rejected_then_again_dry_run_forced_and_corrected(practice, actor, tmp_path):
    path = off_by(tmp_path, "u.835", "T1", 10000)
    assert post(practice, actor, path).remittances[0].status == "rejected"
    assert post(practice, actor, path).remittances[0].status == "rejected"
    assert post(practice, actor, path, force=True, dry_run=True).remittances[0].status == "forced"
    assert post(practice, actor, path, dry_run=True).remittances[0].status == "rejected"
    # Corrected: the same key (trace, BPR02, date), the claim now explains the money.
    corrected = era(
        tmp_path / "ok.835",
        "ACME1",
        "T1",
        "20260510",
        claim("D2", "1", 25000, 25000, "PCN-D2", "AC222", [line("99214", 25000, 25000, "D2-1")]),
    )
    assert post(practice, actor, corrected).remittances[0].status == "posted"
    assert post(practice, actor, path, force=True).remittances[0].status == "conflict"
    with practice.read() as session:
        assert session.execute(select(RemittanceRow.status).order_by(RemittanceRow.id)).scalars().all() == [
            "rejected",
            "rejected",
            "posted",
        ]
    assert verify_ledger(practice).clean


def test_a_file_with_the_same_transaction_twice_first_rejected(practice, actor, tmp_path):
    path = off_by(tmp_path, "twice.835", "T1", 10000)
    text = path.read_text()
    st, se = text.index("ST*835"), text.index("GE*")
    path.write_text(text[:se] + text[st:se] + text[se:].replace("GE*1*", "GE*2*"))
    assert [r.status for r in post(practice, actor, path).remittances] == ["rejected", "rejected"]
    assert [r.status for r in post(practice, actor, path, force=True).remittances] == ["forced", "skipped"]
    assert verify_ledger(practice).clean


def test_cli_reposts_of_a_rejected_file_never_exit_70(cli, tmp_path):
    assert cli("claims", "import", str(claims_csv(tmp_path)), "--posting-date", "2026-06-30").exit_code == 0
    path = str(off_by(tmp_path, "u.835", "T1", 10000))
    for extra in ((), (), ("--dry-run",), ("--force", "--dry-run"), ("--force",)):
        result = cli("post", "era", path, "--posting-date", "2026-06-30", *extra)
        assert result.exit_code == 1, (extra, result.output)


# -- item 9: a payer without ids; one conflict, one exception ------------------------------


def no_ids(tmp_path, name, trace, number):
    path = era(
        tmp_path / name,
        "ACME1",
        trace,
        "20260510",
        claim(number, "1", 10000, 10000, "PCN", "AC999", [line("99213", 10000, 10000, "X-1")]),
    )
    rewrite(path, f"TRN*1*{trace}*1ACME1", f"TRN*1*{trace}")
    return rewrite(path, "N1*PR*ACME HEALTH PLAN*XV*ACME1", "N1*PR*NAMELESS MUTUAL")


def test_a_payer_without_ids_posts_every_later_file(practice, actor, tmp_path):
    assert post(practice, actor, no_ids(tmp_path, "1.835", "T1", "ZZ1")).remittances[0].status == "posted"
    assert post(practice, actor, no_ids(tmp_path, "2.835", "T2", "ZZ2")).remittances[0].status == "posted"
    with practice.read() as session:
        assert (
            session.execute(
                select(func.count()).select_from(PayerRow).where(PayerRow.code == "NAMELESS MUTUAL")
            ).scalar_one()
            == 1
        )
        assert session.execute(select(func.count(func.distinct(RemittanceRow.payer_id)))).scalar_one() == 1


def test_a_conflicting_remittance_posted_again_is_one_exception(practice, actor, tmp_path):
    post(practice, actor, denied_d2(tmp_path, "a.835", "T1", "20260510"))
    other = rewrite(denied_d2(tmp_path, "b.835", "T1", "20260510"), "PCN-D2", "PCN-OTHER")
    for _ in range(3):
        assert post(practice, actor, other).remittances[0].status == "conflict"
    with practice.read() as session:
        assert (
            session.execute(
                select(func.count()).select_from(ExceptionRow).where(ExceptionRow.kind == "remittance_conflict")
            ).scalar_one()
            == 1
        )
