"""`ar-cli denials`: list, show, appeal, resolve, trends and flags through the real CLI,
on SQLite and PostgreSQL, with the hand-written practice of tests/denial_eras.py."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import AuditEventRow, DenialRow, LedgerEntryRow, NoteRow
from denial_eras import claim, claims_csv, era, line
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries


@pytest.fixture
def denied(cli, tmp_path):
    """D1 line 2 CO-97 (bundling, 25.00) and D2 CO-197 (authorization, 200.00) by Acme on
    2026-05-10; D3 CO-50 (medical necessity, 150.00) by Medicare on 2026-06-01."""
    assert cli("claims", "import", str(claims_csv(tmp_path)), "--posting-date", "2026-06-30").exit_code == 0
    acme = era(
        tmp_path / "e1.835",
        "ACME1",
        "T1",
        "20260510",
        claim(
            "D1",
            "1",
            12500,
            6000,
            "PCN-D1-A",
            "AC111",
            [
                line("99213", 10000, 6000, "D1-1", ("CO", "45", 2000), ("PR", "1", 2000)),
                line("36415", 2500, 0, "D1-2", ("CO", "97", 2500)),
            ],
            pr=2000,
        ),
        claim("D2", "4", 20000, 0, "PCN-D2-A", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "197", 20000))]),
    )
    medicare = era(
        tmp_path / "m1.835",
        "MCR01",
        "M1",
        "20260601",
        claim("D3", "1", 15000, 0, "ICN-D3", "MC333", [line("99213", 15000, 0, "D3-1", ("CO", "50", 15000))]),
    )
    for path in (acme, medicare):
        assert cli("post", "era", str(path), "--posting-date", "2026-06-30").exit_code == 0
    return cli


def opened(cli):
    return Ledger(resolve_location(cli.db)).open()


def snapshot(cli):
    ledger = opened(cli)
    with ledger.read() as session:
        state = (
            session.execute(
                select(
                    DenialRow.id, DenialRow.status, DenialRow.level, DenialRow.appeal_deadline, DenialRow.resolution
                ).order_by(DenialRow.id)
            ).all(),
            session.execute(select(func.count()).select_from(LedgerEntryRow)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one(),
            session.execute(select(func.count()).select_from(NoteRow)).scalar_one(),
        )
    ledger.dispose()
    return state


def checked(cli):
    ledger = opened(cli)
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
    ledger.dispose()


def rows(result):
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_list_sorts_by_money_at_stake_and_filters(denied):
    listed = rows(denied("denials", "list", "--as-of", "2026-06-30", "--format", "csv"))
    assert [(r["claim"], r["code"], r["category"], r["at_stake"]) for r in listed] == [
        ("D2", "CO-197", "authorization", "200.00"),
        ("D3", "CO-50", "medical_necessity", "150.00"),
        ("D1", "CO-97", "bundling", "25.00"),
    ]
    assert listed[0]["next_action"].startswith("Find or obtain the authorization number")
    assert [
        r["claim"]
        for r in rows(denied("denials", "list", "--payer", "ACME1", "--format", "csv", "--as-of", "2026-06-30"))
    ] == ["D2", "D1"]
    assert [
        r["claim"]
        for r in rows(denied("denials", "list", "--category", "bundling", "--format", "csv", "--as-of", "2026-06-30"))
    ] == ["D1"]
    assert [
        r["claim"]
        for r in rows(
            denied(
                "denials",
                "list",
                "--older-than",
                "40",
                "--min-amount",
                "100",
                "--format",
                "csv",
                "--as-of",
                "2026-06-30",
            )
        )
    ] == ["D2"]
    body = json.loads(denied("denials", "list", "--by-category", "--format", "json", "--as-of", "2026-06-30").stdout)
    assert [(c["category"], c["at_stake"]) for c in body["categories"]] == [
        ("authorization", 200.0),
        ("medical_necessity", 150.0),
        ("bundling", 25.0),
    ]
    assert body["totals"]["at_stake"] == 375.0


def test_appeal_then_upheld_opens_the_next_level(denied):
    result = denied("denials", "appeal", "D3", "--note", "medical record sent", "--date", "2026-06-20")
    assert result.exit_code == 0, result.output
    # Medicare redetermination: 120 days + 5 days' mail from BPR16 2026-06-01.
    assert result.stdout.strip() == (
        "claim D3: 1 denial(s) of MCR01 (coverage 1) appealed at level 1; deadline 2026-10-04"
    )
    result = denied("denials", "resolve", "D3", "--upheld", "--date", "2026-08-01")
    # Reconsideration: 180 days from the decision.
    assert result.stdout.strip() == (
        "claim D3: 1 denial(s) of MCR01 (coverage 1) upheld at level 1; next level deadline 2027-01-28"
    )
    assert denied("denials", "appeal", "D3", "--note", "to the QIC", "--date", "2026-08-05").stdout.strip() == (
        "claim D3: 1 denial(s) of MCR01 (coverage 1) appealed at level 2; deadline 2027-01-28"
    )
    (shown,) = json.loads(denied("denials", "show", "D3", "--format", "json").stdout)["denials"]
    assert (shown["status"], shown["level"], shown["deadline"]) == ("appealed", 2, "2027-01-28")
    ledger = opened(denied)
    with ledger.read() as session:
        notes = session.execute(select(NoteRow.text).order_by(NoteRow.id)).scalars().all()
    ledger.dispose()
    assert notes[0].startswith("Appeal (redetermination, level 1) of denial(s)") and notes[0].endswith(
        "medical record sent"
    )
    checked(denied)


@pytest.mark.parametrize(
    "number,option,receiver,kinds,amount,code",
    [
        # CO-197 reaches the patient only with the patient's written agreement (issue #13 item 7).
        ("D2", "--to-patient --waiver ABN-0412", 0, ["transfer", "transfer"], 20000, "197"),
        ("D1", "--billed-other-payer", 2, ["transfer", "transfer"], 2500, "97"),
        ("D1", "--written-off", None, ["denial_writeoff"], 2500, "97"),
    ],
)
def test_money_resolutions_move_the_denied_amount(denied, number, option, receiver, kinds, amount, code):
    result = denied(
        "denials", "resolve", number, *option.split(), "--date", "2026-06-30", "--posting-date", "2026-06-30"
    )
    assert result.exit_code == 0, result.output
    ledger = opened(denied)
    with ledger.read() as session:
        moved = session.execute(
            select(LedgerEntryRow.kind, LedgerEntryRow.responsibility, LedgerEntryRow.amount)
            .where(LedgerEntryRow.source_ref.like("denial %"))
            .order_by(LedgerEntryRow.id)
        ).all()
        status = session.execute(
            select(DenialRow.status, DenialRow.resolution).where(DenialRow.reason_code == code)
        ).one()
    ledger.dispose()
    assert [m.kind for m in moved] == kinds
    assert (moved[0].responsibility, moved[0].amount) == (1, -amount)
    if receiver is not None:
        assert (moved[1].responsibility, moved[1].amount) == (receiver, amount)
    assert tuple(status) == ("resolved", option.split()[0].lstrip("-").replace("-", "_"))
    checked(denied)


def test_a_bundling_denial_is_never_moved_to_the_patient(denied):
    before = snapshot(denied)
    result = denied("denials", "resolve", "D1", "--to-patient", "--posting-date", "2026-06-30")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: denial 1 (bundling) cannot be moved to the patient: Check the edit")
    assert snapshot(denied) == before


def test_overturned_waits_for_the_payment_and_the_payment_records_it(denied, tmp_path):
    assert denied("denials", "resolve", "D2", "--overturned", "--date", "2026-06-15").exit_code == 0
    paid = era(
        tmp_path / "e2.835",
        "ACME1",
        "T2",
        "20260625",
        claim("D2", "1", 20000, 15000, "PCN-D2-B", "AC222", [line("99214", 20000, 15000, "D2-1", ("CO", "45", 5000))]),
    )
    assert denied("post", "era", str(paid), "--posting-date", "2026-06-30").exit_code == 0
    (shown,) = json.loads(denied("denials", "show", "D2", "--format", "json").stdout)["denials"]
    assert (shown["status"], shown["resolution"], shown["overturned"]) == ("overturned", "paid", 150.0)
    assert rows(denied("denials", "show", "D2", "--format", "csv"))[0]["state"] == "overturned (paid)"
    checked(denied)


@pytest.mark.parametrize(
    "args,message",
    [
        (("denials", "resolve", "D1", "--written-off"), None),  # resolved just before: twice
        (("denials", "appeal", "D1", "--note", "again"), "error: claim D1 has no open denial"),
        (
            ("denials", "resolve", "D3", "--upheld"),
            "error: denial 3 is open, not appealed: only an appeal can be upheld",
        ),
        (
            ("denials", "resolve", "D2", "--billed-other-payer"),
            "error: claim D2 has no coverage after coverage 1; use --to-patient or --written-off",
        ),
        (("denials", "resolve", "D3", "--to-patient", "--written-off"), "error: denials resolve: give exactly one of"),
        (("denials", "resolve", "D3"), "error: denials resolve: give exactly one of"),
        (("denials", "appeal", "D3", "--note", "x", "--line", "4"), "error: --line 4: claim D3 has no line 4"),
        (("denials", "appeal", "NOPE", "--note", "x"), "error: claim 'NOPE' is not in the ledger"),
        (("denials", "appeal", "D3", "--note", " "), "error: --note: say what the appeal sends"),
        (("denials", "list", "--category", "wrong"), "error: --category: 'wrong' is not a denial category"),
        (("denials", "list", "--status", "closed"), "error: --status: 'closed' is not a denial status"),
        (("denials", "list", "--min-amount", "1.234"), "error: --min-amount:"),
        (("denials", "trends", "--by", "week"), "error: --by: 'week' is not category, payer or month"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(denied, args, message):
    assert denied("denials", "resolve", "D1", "--written-off", "--posting-date", "2026-06-30").exit_code == 0
    before = snapshot(denied)
    result = denied(*args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    if message is None:
        assert result.stderr.strip() == (
            "error: claim D1: its denials are already resolved (denial 1 is resolved "
            "written_off); resolving again changes nothing"
        )
    else:
        assert result.stderr.strip().startswith(message)
    assert snapshot(denied) == before


def test_missing_information_is_not_appealed(cli, tmp_path):
    assert cli("claims", "import", str(claims_csv(tmp_path)), "--posting-date", "2026-06-30").exit_code == 0
    path = era(
        tmp_path / "mi.835",
        "ACME1",
        "T9",
        "20260510",
        claim("D2", "1", 20000, 0, "PCN-D2", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "16", 20000))]),
    )
    assert cli("post", "era", str(path), "--posting-date", "2026-06-30").exit_code == 0
    before = snapshot(cli)
    result = cli("denials", "appeal", "D2", "--note", "x")
    assert result.exit_code == 2 and "is not appealed: Correct the claim and resubmit it" in result.stderr
    assert snapshot(cli) == before


def test_trends_agree_with_the_list(denied, tmp_path):
    # A reversal of D2's payment: its denial is superseded and leaves the trends.
    undo = era(
        tmp_path / "r.835",
        "ACME1",
        "T3",
        "20260620",
        claim("D2", "22", -20000, 0, "PCN-D2-A", "AC222", [line("99214", -20000, 0, "D2-1", ("CO", "197", -20000))]),
    )
    assert denied("post", "era", str(undo), "--posting-date", "2026-06-30").exit_code == 0
    listed = [
        r for r in rows(denied("denials", "list", "--status", "all", "--format", "csv")) if r["status"] != "superseded"
    ]
    trends = rows(denied("denials", "trends", "--format", "csv"))
    by_list = {}
    for r in listed:
        count, money = by_list.get(r["category"], (0, 0.0))
        by_list[r["category"]] = (count + 1, round(money + float(r["at_stake"]), 2))
    assert {t["category"]: (int(t["denials"]), float(t["denied"])) for t in trends} == by_list
    by_payer = {t["payer"]: t for t in rows(denied("denials", "trends", "--by", "payer", "--format", "csv"))}
    # Acme's D2 adjudication was reversed: left out. D1 denied at first (1 of 1); Medicare D3 (1 of 1).
    assert {p: (t["claims_denied"], t["adjudicated"], t["rate"]) for p, t in by_payer.items()} == {
        "ACME1": ("1", "1", "1.0000"),
        "MCR01": ("1", "1", "1.0000"),
    }


def test_flags_name_their_reason(denied):
    flags = rows(
        denied(
            "denials",
            "flags",
            "--as-of",
            "2026-11-01",
            "--due-within",
            "14",
            "--idle-days",
            "30",
            "--filing-within",
            "30",
            "--format",
            "csv",
        )
    )
    due = [f for f in flags if f["flag"] == "appeal_due"]
    # Acme's 180-day windows from 2026-05-10 end 2026-11-06.
    assert sorted((f["claim"], f["due"]) for f in due) == [("D1", "2026-11-06"), ("D2", "2026-11-06")]
    assert due[0]["reason"].startswith("level 1 appeal due in 5 days")
    idle = sorted(f["claim"] for f in flags if f["flag"] == "no_action")
    assert idle == ["D1", "D2", "D3"]
    # Acme's limit is 365 days from 2026-04-01: not within 30 days of 2026-11-01.
    assert not [f for f in flags if f["flag"] == "timely_filing"]
    late = rows(denied("denials", "flags", "--as-of", "2027-03-20", "--format", "csv"))
    filing = [f for f in late if f["flag"] == "timely_filing"]
    # Second Choice got D1's PR-1 share from Acme's remittance (2026-05-10) and has not
    # answered: its 365 days from then run out 2027-05-10 (within 30 days? no); Acme's
    # D2 denial is authorization, not resubmittable: nothing. Medicare (12 months from
    # 2026-04-05) has answered D3 with a medical-necessity denial: nothing.
    assert filing == []
    soon = rows(denied("denials", "flags", "--as-of", "2027-04-20", "--format", "csv"))
    second = [f for f in soon if f["flag"] == "timely_filing"]  # per line
    assert [(f["claim"], f["line"], f["payer"], f["due"]) for f in second] == [
        ("D1", "1", "SECO2", "2027-05-10"),
        ("D1", "2", "SECO2", "2027-05-10"),
    ]
    assert (
        "coverage 2 filing limit 365d ends 2027-05-10 (in 20 days); no response from the payer yet"
        in second[0]["reason"]
    )
