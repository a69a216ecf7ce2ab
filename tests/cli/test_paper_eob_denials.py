"""A paper EOB typed by hand (`post payment --payer … --adjust`, `post batch` with an
adjustments column) opens a denial for each denial-treatment adjustment, as ERA posting
does: the table's category, the coverage that denied, on --line (else the claim), for
at most what that coverage still holds there beyond its open denials, the level 1
appeal deadline counted from --date, no remittance and no claim payment. Through the
real CLI, on SQLite and PostgreSQL, with the practice of tests/denial_eras.py (D1 Acme
then Second Choice, lines 100.00 and 25.00; D2 Acme, 200.00; D3 Medicare, 150.00)."""

import csv
import io
import json
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from ar_cli.domain.posting.manual_payment import cap_hand_denials
from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import AuditEventRow, ClaimBalanceRow, ClaimRow, DenialRow, LedgerEntryRow
from denial_eras import claim, claims_csv, era, line
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import write_csv

POSTED = ("--posting-date", "2026-06-30")
BATCH_HEADER = "claim_number,amount,payer,method,reference,date,line,adjustments"


@pytest.fixture
def practice(cli, tmp_path):
    assert cli("claims", "import", str(claims_csv(tmp_path)), *POSTED).exit_code == 0
    return cli


def pay(cli, number, payer, amount, *adjust, line=None, reference="EOB-1", on="2026-06-10"):
    args = [
        "post",
        "payment",
        number,
        "--payer",
        payer,
        "--amount",
        amount,
        "--method",
        "check",
        "--reference",
        reference,
        "--date",
        on,
        *POSTED,
    ]
    if line is not None:
        args += ["--line", str(line)]
    for a in adjust:
        args += ["--adjust", a]
    return cli(*args)


@contextmanager
def reading(cli):
    """A read session on the ledger the CLI wrote, its engine disposed after."""
    ledger = Ledger(resolve_location(cli.db)).open()
    try:
        with ledger.read() as session:
            yield session
    finally:
        ledger.dispose()


def denials(cli):
    with reading(cli) as session:
        return session.execute(select(DenialRow).order_by(DenialRow.id)).scalars().all()


def claim_status(cli, number):
    with reading(cli) as session:
        return session.execute(select(ClaimRow.status).where(ClaimRow.claim_number == number)).scalar_one()


def last_event(cli):
    with reading(cli) as session:
        event = session.execute(select(AuditEventRow).order_by(AuditEventRow.id.desc())).scalars().first()
        return event.action, json.loads(event.details)


def snapshot(cli):
    with reading(cli) as session:

        def count(table):
            return session.execute(select(func.count()).select_from(table)).scalar_one()

        return (
            count(DenialRow),
            count(LedgerEntryRow),
            count(AuditEventRow),
            session.execute(
                select(ClaimBalanceRow.claim_id, ClaimBalanceRow.responsibility, ClaimBalanceRow.balance).order_by(
                    ClaimBalanceRow.claim_id, ClaimBalanceRow.responsibility
                )
            ).all(),
            session.execute(select(ClaimRow.claim_number, ClaimRow.status).order_by(ClaimRow.id)).all(),
        )


def checked(cli):
    with reading(cli) as session:
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)


def listed(cli, *args):
    result = cli("denials", "list", "--as-of", "2026-06-30", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_line_denial_opens_one_denial_like_an_era(practice):
    assert claim_status(practice, "D3") == "billed"
    result = pay(practice, "D3", "MCR01", "0", "CO-50=60.00", line=1)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "claim D3: check EOB-1 from MCR01: paid 0.00 on the primary; "
        "left open as denied CO-50=60.00 (denial 1 opened)\n"
    )
    (row,) = denials(practice)
    assert (
        row.responsibility,
        row.adjustment_group,
        row.reason_code,
        row.remark_codes,
        row.category,
        row.amount,
        row.status,
        row.level,
        row.overturned_amount,
        row.resolution,
    ) == (1, "CO", "50", "", "medical_necessity", 6000, "open", 0, 0, "")
    assert row.line_id is not None and row.payer_id is not None
    assert (row.remittance_id, row.claim_payment_id) == (None, None)  # no 835 behind it
    (shown,) = listed(practice)
    # Medicare: redetermination within 120 days + 5 days' mail of the EOB's date.
    assert {
        k: shown[k]
        for k in (
            "id",
            "claim",
            "line",
            "payer",
            "code",
            "category",
            "at_stake",
            "status",
            "level",
            "denied_on",
            "deadline",
            "trace",
        )
    } == {
        "id": "1",
        "claim": "D3",
        "line": "1",
        "payer": "MCR01",
        "code": "CO-50",
        "category": "medical_necessity",
        "at_stake": "60.00",
        "status": "open",
        "level": "0",
        "denied_on": "2026-06-10",
        "deadline": "2026-10-13",
        "trace": "",
    }
    assert shown["next_action"].startswith("Appeal with the medical record")
    assert claim_status(practice, "D3") == "denied"
    assert last_event(practice) == (
        "post.payment",
        {"payer": "MCR01", "paid": 0, "written_down": 0, "transferred": 0, "date": "2026-06-10", "opened_denials": [1]},
    )
    checked(practice)


def test_a_claim_level_denial_with_a_payment_and_the_payers_own_window(practice):
    assert practice("payers", "set", "ACME1", "--appeal-window", "1=90").exit_code == 0
    result = pay(practice, "D2", "ACME1", "120.00", "CO-45=50.00", "CO-16=30.00")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "claim D2: check EOB-1 from ACME1: paid 120.00 on the primary; written down 50.00; "
        "left open as denied CO-16=30.00 (denial 1 opened)\n"
    )
    (row,) = denials(practice)
    assert (row.line_id, row.category, row.amount) == (None, "missing_info", 3000)
    (shown,) = listed(practice)
    assert (shown["line"], shown["deadline"]) == ("", "2026-09-08")  # 90 days from 2026-06-10
    assert claim_status(practice, "D2") == "denied"
    checked(practice)


def test_a_denial_is_capped_at_what_the_coverage_holds_beyond_its_open_denials(practice):
    result = pay(practice, "D3", "MCR01", "0", "CO-50=200.00", line=1)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "claim D3: check EOB-1 from MCR01: paid 0.00 on the primary; left open as denied CO-50=200.00 "
        "(denial 1 opened, capped at what the primary holds there beyond its open denials: CO-50 150.00 of 200.00)\n"
    )
    before = snapshot(practice)
    # The same EOB typed again under another reference: the money is denied already,
    # and the EOB posts nothing else, so nothing is written (no audit event either).
    again = pay(practice, "D3", "MCR01", "0", "CO-50=200.00", line=1, reference="EOB-1B")
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "claim D3: check EOB-1B from MCR01: paid 0.00 on the primary; left open as denied CO-50=200.00 "
        "(no denial opened, capped at what the primary holds there beyond its open denials: CO-50 0.00 of 200.00)\n"
    )
    assert [(d.amount, d.status) for d in denials(practice)] == [(15000, "open")]
    assert snapshot(practice) == before
    checked(practice)


def test_a_line_denial_takes_what_the_payment_left_on_that_line_only(practice):
    """D1 line 1 (100.00) paid 60.00 and 1.00 moved to the secondary: 39.00 is left there;
    line 2's 25.00 is not this line's money."""
    result = pay(practice, "D1", "ACME1", "60.00", "PR-2=1.00", "CO-97=50.00", line=1)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "claim D1: check EOB-1 from ACME1: paid 60.00 on the primary; moved 1.00 to the secondary; left open as "
        "denied CO-97=50.00 (denial 1 opened, capped at what the primary holds there beyond its open denials: "
        "CO-97 39.00 of 50.00)\n"
    )
    assert [(d.amount, d.category) for d in denials(practice)] == [(3900, "bundling")]
    checked(practice)


def test_a_payment_does_not_overturn_the_denial_it_opens(practice):
    result = pay(practice, "D3", "MCR01", "50.00", "CO-50=100.00", line=1)
    assert result.exit_code == 0, result.output
    assert "overturned" not in result.stdout
    assert [(d.amount, d.status, d.overturned_amount) for d in denials(practice)] == [(10000, "open", 0)]
    checked(practice)


def test_patient_responsibility_and_patient_payments_open_no_denial(practice):
    result = pay(practice, "D2", "ACME1", "150.00", "PR-2=50.00", line=1)
    assert result.exit_code == 0, result.output
    assert "denied" not in result.stdout and denials(practice) == []
    patient = practice(
        "post",
        "payment",
        "D2",
        "--patient",
        "--amount",
        "50.00",
        "--method",
        "cash",
        "--reference",
        "R-1",
        "--date",
        "2026-06-12",
        "--line",
        "1",
        *POSTED,
    )
    assert patient.exit_code == 0, patient.output
    assert patient.stdout == "claim D2: cash R-1 from patient: paid 50.00 on the patient\n"
    before = snapshot(practice)
    refused = practice(
        "post",
        "payment",
        "D3",
        "--patient",
        "--amount",
        "0",
        "--method",
        "cash",
        "--reference",
        "R-2",
        "--date",
        "2026-06-12",
        "--adjust",
        "CO-50=10.00",
        *POSTED,
    )
    assert refused.exit_code == 2
    assert refused.stderr.strip() == "error: adjustments belong to a payer's payment, not to a patient payment"
    assert snapshot(practice) == before and denials(practice) == []
    assert claim_status(practice, "D2") == "closed"
    checked(practice)


def test_a_pr_group_code_the_table_calls_a_denial_opens_one_as_an_era_would(practice):
    """PR-27 (service after the coverage ended) is a denial in the treatment table under
    every group (DESIGN lists PR-27, PR-31, PR-22): billing the patient for a coverage
    problem is the costly mistake. ERA posting opens one; so does a paper EOB."""
    result = pay(practice, "D2", "ACME1", "0", "PR-27=200.00", line=1)
    assert result.exit_code == 0, result.output
    assert [(d.adjustment_group, d.reason_code, d.category, d.amount) for d in denials(practice)] == [
        ("PR", "27", "eligibility", 20000)
    ]
    checked(practice)


def test_batch_opens_the_denials_of_its_rows(practice, tmp_path):
    path = write_csv(
        tmp_path / "deposit.csv",
        BATCH_HEADER,
        "D3,0.00,MCR01,check,EOB-7,2026-06-10,1,CO-50=150.00",
        "D2,120.00,ACME1,eft,TRN-8,2026-06-11,,CO-45=50.00;CO-16=30.00",
        "D1,60.00,ACME1,check,EOB-9,2026-06-12,1,CO-45=40.00",
    )
    result = practice("post", "batch", str(path), "--deposit-total", "180.00", *POSTED)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "claim D3: check EOB-7 from MCR01: paid 0.00 on the primary; left open as denied CO-50=150.00 "
        "(denial 1 opened)",
        "claim D2: eft TRN-8 from ACME1: paid 120.00 on the primary; written down 50.00; left open as denied "
        "CO-16=30.00 (denial 2 opened)",
        "claim D1: check EOB-9 from ACME1: paid 60.00 on the primary; written down 40.00",
        "deposit.csv: 3 rows, deposit 180.00: 3 posted, 0 already posted (skipped); paid 180.00, written down "
        "90.00, moved 0.00; 2 denials opened",
    ]
    assert [
        (r["claim"], r["line"], r["code"], r["at_stake"], r["denied_on"], r["deadline"]) for r in listed(practice)
    ] == [
        ("D3", "1", "CO-50", "150.00", "2026-06-10", "2026-10-13"),
        ("D2", "", "CO-16", "30.00", "2026-06-11", "2026-12-08"),
    ]
    action, details = last_event(practice)
    assert action == "post.batch" and details["opened_denials"] == [1, 2]
    assert [claim_status(practice, n) for n in ("D1", "D2", "D3")] == ["partially_paid", "denied", "denied"]
    checked(practice)


def test_the_same_denial_on_two_rows_opens_only_what_is_still_open(practice, tmp_path):
    """Two pages of an EOB (two references) both deny D3's line for 100.00: the line holds
    150.00, so the first row's denial records 100.00 and the second's only 50.00."""
    path = write_csv(
        tmp_path / "deposit.csv",
        BATCH_HEADER,
        "D3,0.00,MCR01,check,EOB-1,2026-06-10,1,CO-50=100.00",
        "D3,0.00,MCR01,check,EOB-2,2026-06-10,1,CO-50=100.00",
    )
    result = practice("post", "batch", str(path), "--deposit-total", "0", *POSTED)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "claim D3: check EOB-2 from MCR01: paid 0.00 on the primary; left open as denied CO-50=100.00 "
        "(denial 2 opened, capped at what the primary holds there beyond its open denials: CO-50 50.00 of 100.00)"
    )
    assert [d.amount for d in denials(practice)] == [10000, 5000]
    assert sum(int(float(r["at_stake"]) * 100) for r in listed(practice)) == 15000
    checked(practice)


def test_the_same_row_typed_twice_is_refused_and_opens_nothing(practice, tmp_path):
    path = write_csv(
        tmp_path / "deposit.csv",
        BATCH_HEADER,
        "D3,0.00,MCR01,check,EOB-1,2026-06-10,1,CO-50=100.00",
        "D3,0.00,MCR01,check,EOB-1,2026-06-10,1,CO-50=100.00",
    )
    before = snapshot(practice)
    result = practice("post", "batch", str(path), "--deposit-total", "0", *POSTED)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {path}: line 3: same claim, payer, reference, date and amount as line 2")
    assert snapshot(practice) == before


@pytest.mark.parametrize(
    "rows,total,message",
    [
        (
            (
                "D3,0.00,MCR01,check,EOB-1,2026-06-10,1,CO-50=100.00",
                "D2,300.00,ACME1,check,EOB-2,2026-06-10,,CO-16=10.00",
            ),
            "300.00",
            "line 3: claim D2: payment 300.00 + adjustments 0.00 = 300.00 is more than the primary owes (200.00); "
            "nothing posted",
        ),
        (
            (
                "D3,0.00,MCR01,check,EOB-1,2026-06-10,1,CO-50=100.00",
                "D2,20.00,ACME1,check,EOB-2,2026-06-10,,CO-16=10.00",
            ),
            "25.00",
            "the rows add up to 20.00, the deposit total is 25.00 (difference -5.00); nothing posted",
        ),
    ],
)
def test_a_refused_batch_opens_no_denial(practice, tmp_path, rows, total, message):
    path = write_csv(tmp_path / "deposit.csv", BATCH_HEADER, *rows)
    before = snapshot(practice)
    result = practice("post", "batch", str(path), "--deposit-total", total, *POSTED)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: {message}"
    assert snapshot(practice) == before and before[0] == 0


def test_denials_show_appeal_and_resolve_work_on_paper_denials(practice):
    assert pay(practice, "D3", "MCR01", "0", "CO-50=150.00", line=1).exit_code == 0
    assert pay(practice, "D1", "ACME1", "0", "CO-97=25.00", line=2, reference="EOB-2").exit_code == 0
    (shown,) = json.loads(practice("denials", "show", "D3", "--as-of", "2026-06-30", "--format", "json").stdout)[
        "denials"
    ]
    assert (shown["code"], shown["status"], shown["deadline"], shown["next_level"]) == (
        "CO-50",
        "open",
        "2026-10-13",
        "1 redetermination",
    )
    appealed = practice("denials", "appeal", "D3", "--note", "medical record sent", "--date", "2026-06-20")
    assert (
        appealed.stdout.strip()
        == "claim D3: 1 denial(s) of MCR01 (coverage 1) appealed at level 1; deadline 2026-10-13"
    )
    assert claim_status(practice, "D3") == "appealed"
    upheld = practice("denials", "resolve", "D3", "--upheld", "--date", "2026-08-01")
    assert upheld.stdout.strip() == (
        "claim D3: 1 denial(s) of MCR01 (coverage 1) upheld at level 1; next level deadline 2027-01-28"
    )
    written = practice("denials", "resolve", "D1", "--written-off", "--date", "2026-06-30", *POSTED)
    assert written.exit_code == 0, written.output
    assert written.stdout.strip() == "claim D1: 1 denial(s) of ACME1 (coverage 1) resolved; 25.00 written off"
    assert [(d.reason_code, d.status, d.level, d.resolution) for d in denials(practice)] == [
        ("50", "upheld", 1, "upheld"),
        ("97", "resolved", 0, "written_off"),
    ]
    checked(practice)


def test_a_later_payment_by_the_payer_overturns_a_paper_denial(practice, tmp_path):
    assert pay(practice, "D3", "MCR01", "0", "CO-50=150.00", line=1).exit_code == 0
    assert pay(practice, "D2", "ACME1", "0", "CO-197=200.00", line=1, reference="EOB-2").exit_code == 0
    # By paper: Medicare pays D3's line.
    paid = pay(practice, "D3", "MCR01", "100.00", line=1, reference="EOB-3", on="2026-07-01")
    assert paid.exit_code == 0, paid.output
    assert paid.stdout.strip() == (
        "claim D3: check EOB-3 from MCR01: paid 100.00 on the primary; overturned 1 denial of MCR01 (recovered 100.00)"
    )
    # By ERA: Acme pays D2's line.
    remit = era(
        tmp_path / "e1.835",
        "ACME1",
        "T1",
        "20260702",
        claim("D2", "1", 20000, 15000, "PCN-D2", "AC222", [line("99214", 20000, 15000, "D2-1", ("CO", "45", 5000))]),
    )
    assert practice("post", "era", str(remit), *POSTED).exit_code == 0
    assert [(d.reason_code, d.status, d.resolution, d.overturned_amount) for d in denials(practice)] == [
        ("50", "overturned", "paid", 10000),
        ("197", "overturned", "paid", 15000),
    ]
    assert claim_status(practice, "D3") == "partially_paid" and claim_status(practice, "D2") == "closed"
    checked(practice)


@pytest.mark.parametrize(
    "asked,line_id,total,lines,earlier,takes",
    [
        ([6000], 1, 15000, {1: 15000}, [], [6000]),  # room enough
        ([20000], 1, 15000, {1: 15000}, [], [15000]),  # capped at the line
        ([6000, 6000], 1, 10000, {1: 10000}, [], [6000, 4000]),  # each takes what the earlier left
        ([5000], 1, 15000, {1: 15000}, [(1, 12000)], [3000]),  # an open denial holds its money first
        ([5000], 2, 12500, {1: 10000, 2: 2500}, [], [2500]),  # only that line's money (no claim-level pool)
        ([5000], 2, 12500, {1: 10000, 2: 2500, None: 1000}, [], [3500]),  # ... and the claim-level pool
        ([5000], None, 12500, {1: 10000, 2: 2500}, [(None, 10000)], [2500]),  # a claim-level denial: the total
        ([5000], 1, 0, {1: 10000, None: -10000}, [], [0]),  # a claim paid at claim level holds nothing
    ],
)
def test_cap_hand_denials(asked, line_id, total, lines, earlier, takes):
    assert cap_hand_denials(asked, line_id=line_id, open_total=total, line_balances=lines, earlier=earlier) == takes
