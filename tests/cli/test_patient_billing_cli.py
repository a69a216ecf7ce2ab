"""Issue #13 item 7: only PR amounts, self-pay charges and what the patient agreed in
writing to pay may move to the patient by hand (`denials resolve --to-patient`, a paper
EOB's adjustment the treatment table moves to the patient). Refused: one line, exit 2,
nothing changed. A waiver given with `--waiver REF` is recorded on the claim and audited."""

import json

import pytest
from sqlalchemy import func, select

from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import AuditEventRow, ClaimWaiverRow, DenialRow, LedgerEntryRow
from denial_eras import claim, era, line
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

ROWS = [
    # N1: Acme, two lines, both denied in group CO (authorization, medical necessity).
    'N1,P1,"ALPHA, ANN",1960-01-01,ACME1,Acme Health Plan,2026-04-01,2026-04-02,99213,,1,100.00,AC1,,,,N1-1',
    'N1,P1,"ALPHA, ANN",1960-01-01,ACME1,Acme Health Plan,2026-04-01,2026-04-02,99214,,1,200.00,AC1,,,,N1-2',
    # N2: Medicare, the line billed with modifier GA (an ABN on file).
    'N2,P2,"BRAVO, BEN",1940-02-02,MCR01,Medicare Part B,2026-04-03,2026-04-04,99213,GA,1,150.00,MC2,,,,N2-1',
    # N3: Acme, remitted under the No Surprises Act (N830).
    'N3,P3,"CHARLIE, CAL",1970-03-03,ACME1,Acme Health Plan,2026-04-05,2026-04-06,99285,,1,300.00,AC3,,,,N3-1',
    # N4: Acme: a PR denial (coverage ended, PR-27).
    'N4,P4,"DELTA, DEB",1980-04-04,ACME1,Acme Health Plan,2026-04-07,2026-04-08,99213,,1,120.00,AC4,,,,N4-1',
    # N5: Acme only, for a paper EOB's adjustment.
    'N5,P5,"ECHO, ED",1985-05-05,ACME1,Acme Health Plan,2026-04-09,2026-04-10,99213,,1,90.00,AC5,,,,N5-1',
]


@pytest.fixture
def remitted(cli, tmp_path):
    assert (
        cli(
            "claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, *ROWS)), "--posting-date", "2026-06-30"
        ).exit_code
        == 0
    )
    n3_line = line("99285", 30000, 20000, "N3-1", ("CO", "50", 10000)) + ["LQ*HE*N830"]
    acme = era(
        tmp_path / "a.835",
        "ACME1",
        "T1",
        "20260510",
        claim(
            "N1",
            "4",
            30000,
            0,
            "PCN-N1",
            "AC1",
            [
                line("99213", 10000, 0, "N1-1", ("CO", "197", 10000)),
                line("99214", 20000, 0, "N1-2", ("CO", "50", 20000)),
            ],
        ),
        claim("N3", "1", 30000, 20000, "PCN-N3", "AC3", [n3_line]),
        claim("N4", "4", 12000, 0, "PCN-N4", "AC4", [line("99213", 12000, 0, "N4-1", ("PR", "27", 12000))]),
    )
    medicare = era(
        tmp_path / "m.835",
        "MCR01",
        "M1",
        "20260601",
        claim("N2", "1", 15000, 0, "ICN-N2", "MC2", [line("99213", 15000, 0, "N2-1", ("CO", "50", 15000))]),
    )
    for path in (acme, medicare):
        result = cli("post", "era", str(path), "--posting-date", "2026-06-30")
        assert result.exit_code == 0, result.output
    return cli


def _state(cli):
    ledger = Ledger(resolve_location(cli.db)).open()
    try:
        with ledger.read() as session:
            assert_balances_equal_entries(session)
            return (
                assert_audit_chain_intact(session),
                session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one(),
                session.execute(select(DenialRow.id, DenialRow.status).order_by(DenialRow.id)).all(),
                session.execute(select(ClaimWaiverRow.claim_id, ClaimWaiverRow.reference)).all(),
            )
    finally:
        ledger.dispose()


def _patient_balance(cli, number: str) -> float:
    balances = json.loads(cli("claims", "show", number, "--format", "json").stdout)["balances"]
    return next((b["balance"] for b in balances if b["owed_by"] == "patient"), 0.0)


def _resolve(cli, *args):
    return cli("denials", "resolve", *args, "--date", "2026-06-30", "--posting-date", "2026-06-30")


def _refused(cli, result, line_said: str, before) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"error: {line_said}"]
    assert _state(cli) == before


def test_the_issue_case_a_co_197_denial_does_not_move_to_the_patient(remitted):
    before = _state(remitted)
    _refused(
        remitted,
        _resolve(remitted, "N1", "--line", "1", "--to-patient"),
        "claim N1: denial 1 (CO-197 100.00) may not be billed to the patient: group CO is the provider's "
        "contractual obligation; only PR amounts or what the patient agreed in writing to pay (an ABN: "
        "modifier GA on the line; --waiver REF) may move; nothing moved",
        before,
    )
    whole = _resolve(remitted, "N1", "--to-patient")
    assert whole.exit_code == 2 and whole.stderr.rstrip().endswith("nothing moved (1 more amount likewise)")
    assert _patient_balance(remitted, "N1") == 0.0


def test_a_waiver_is_recorded_audited_and_covers_the_claim(remitted):
    result = _resolve(remitted, "N1", "--line", "1", "--to-patient", "--waiver", "Waiver 2026-03-30 #88")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "claim N1: 1 denial(s) of ACME1 (coverage 1) resolved; 100.00 moved to the "
        "patient; waiver 'Waiver 2026-03-30 #88' recorded on the claim"
    )
    state = _state(remitted)
    assert [ref for _, ref in state[3]] == ["Waiver 2026-03-30 #88"]
    ledger = Ledger(resolve_location(remitted.db)).open()
    with ledger.read() as session:
        details = json.loads(
            session.execute(select(AuditEventRow.details).order_by(AuditEventRow.id.desc()).limit(1)).scalar_one()
        )
    ledger.dispose()
    assert details["waiver"] == "Waiver 2026-03-30 #88"
    # The agreement is on the claim: its other line may move without giving it again.
    assert _resolve(remitted, "N1", "--line", "2", "--to-patient").exit_code == 0
    assert _patient_balance(remitted, "N1") == 300.0


def test_modifier_ga_is_the_patients_written_agreement(remitted):
    result = _resolve(remitted, "N2", "--to-patient")
    assert result.exit_code == 0, result.output
    assert _patient_balance(remitted, "N2") == 150.0


def test_a_pr_denial_moves(remitted):
    assert _resolve(remitted, "N4", "--to-patient").exit_code == 0
    assert _patient_balance(remitted, "N4") == 120.0


def test_no_surprises_act_claims_refuse_even_with_a_waiver(remitted):
    before = _state(remitted)
    _refused(
        remitted,
        _resolve(remitted, "N3", "--to-patient", "--waiver", "W-1"),
        "claim N3: denial 3 (CO-50 100.00) may not be billed to the patient: the claim's remittance carries "
        "N830 (No Surprises Act: the patient owes only the cost sharing the payer stated); nothing moved",
        before,
    )


@pytest.mark.parametrize(
    "args,said",
    [
        (
            ("N1", "--written-off", "--waiver", "W-1"),
            "--waiver goes with --to-patient (the patient's written agreement to pay)",
        ),
        (("N1", "--to-patient", "--waiver", " "), "--waiver: give the reference of the signed waiver or ABN"),
        (
            ("N1", "--to-patient", "--waiver", "x" * 101),
            "--waiver: the reference must be printable and at most 100 characters",
        ),
    ],
)
def test_bad_waivers(remitted, args, said):
    before = _state(remitted)
    _refused(remitted, _resolve(remitted, *args), said, before)


def test_a_paper_eob_adjustment_moved_to_the_patient_by_the_table_follows_the_rule(remitted, tmp_path):
    """A practice's override may make a CO code a patient treatment; typed by hand it
    still may not reach the patient (the next coverage may take it)."""
    override = write_csv(tmp_path / "t.csv", "group,carc,treatment", "CO,22,patient")
    assert remitted("codes", "treatments", str(override)).exit_code == 0
    before = _state(remitted)
    pay = (
        "post",
        "payment",
        "N5",
        "--payer",
        "ACME1",
        "--amount",
        "50.00",
        "--method",
        "check",
        "--reference",
        "C1",
        "--date",
        "2026-06-20",
        "--posting-date",
        "2026-06-30",
    )
    _refused(
        remitted,
        remitted(*pay, "--adjust", "CO-22=40.00"),
        "claim N5: adjustment (CO-22 40.00) may not be billed to the patient: group CO is the provider's "
        "contractual obligation; only PR amounts or what the patient agreed in writing to pay (an ABN: "
        "modifier GA on the line; a waiver recorded on the claim: denials resolve --to-patient --waiver REF) "
        "may move; nothing moved",
        before,
    )
    batch = write_csv(
        tmp_path / "d.csv",
        "claim_number,amount,payer,method,reference,date,line,adjustments",
        "N5,50.00,ACME1,check,C1,2026-06-20,1,CO-22=40.00",
    )
    result = remitted("post", "batch", str(batch), "--deposit-total", "50.00", "--posting-date", "2026-06-30")
    assert result.exit_code == 2 and result.stderr.startswith(
        f"error: {batch}: line 2: claim N5: adjustment (CO-22 40.00)"
    )
    assert _state(remitted) == before
    assert remitted(*pay, "--adjust", "PR-2=40.00").exit_code == 0
    assert _patient_balance(remitted, "N5") == 40.0
