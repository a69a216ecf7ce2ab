"""`ar-cli audit verify`: exit 0 and one line when clean; exit 1 and each break listed."""

import json

import pytest
from sqlalchemy import create_engine, text

from conftest import REPO

SAMPLE = REPO / "sample_data"


@pytest.fixture
def sample_cli(cli):
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    assert cli("post", "era", str(SAMPLE / "eras"), "--posting-date", "2026-06-30").exit_code == 1
    return cli


def _tamper(cli, sql: str) -> None:
    url = cli.db if "://" in cli.db else f"sqlite:///{cli.db}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def test_clean_ledger_exits_0_with_one_line(sample_cli):
    result = sample_cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "checked 7 audit events, 2,269 money rows, 2,011 entries, 460 claim balances, "
        "5 unapplied entries, 8 remittances: no breaks\n"
    )
    as_json = sample_cli("audit", "verify", "--format", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == {"findings": []}


def test_tampered_ledger_exits_1_and_names_each_break(sample_cli):
    _tamper(sample_cli, "UPDATE audit_event SET details = '{}' WHERE id = 5")
    _tamper(sample_cli, "UPDATE claim_balance SET balance = balance + 1 WHERE claim_id = 1 AND responsibility = 1")
    result = sample_cli("audit", "verify")
    assert result.exit_code == 1
    assert "event 5" in result.stdout and "hash does not match its content" in result.stdout
    assert "claim CLM100001 primary" in result.stdout
    assert result.stdout.endswith(": 3 break(s)\n")
    as_json = sample_cli("audit", "verify", "--format", "json")
    assert as_json.exit_code == 1
    assert [(f["check"], f["ref"]) for f in json.loads(as_json.stdout)["findings"]] == [
        ("chain", "event 5"),
        ("balance", "claim CLM100001 primary"),
        ("summary", "open_balance_summary"),
    ]


def test_a_charge_raised_with_sqlite3_exits_1_naming_the_row(sample_cli):
    """Issue #13 item 13: the entry, its balance and aging's summary row raised by $10
    together; before revision 0007 this was "no breaks"."""
    if "://" in sample_cli.db:
        pytest.skip("sqlite3 on the ledger file")
    import sqlite3

    con = sqlite3.connect(sample_cli.db)
    with con:
        entry_id, claim_id, resp = con.execute(
            "SELECT e.id, e.claim_id, e.responsibility FROM ledger_entry e JOIN claim_balance b ON "
            "b.claim_id = e.claim_id AND b.responsibility = e.responsibility WHERE e.kind = 'charge' "
            "AND e.responsibility = 1 AND b.balance > 1000 ORDER BY e.id LIMIT 1"
        ).fetchone()
        con.execute("UPDATE posting_entry SET amount = amount + 1000 WHERE id = ?", (entry_id,))
        con.execute(
            "UPDATE claim_balance SET balance = balance + 1000 WHERE claim_id = ? AND responsibility = ?",
            (claim_id, resp),
        )
        con.execute(
            "UPDATE open_balance_summary SET amount = amount + 1000 WHERE sign = 1 AND owner_key = "
            "(SELECT payer_id FROM coverage WHERE claim_id = ? AND rank = ?) AND (service_date, billed_date) "
            "= (SELECT first_service_date, billed_date FROM claim WHERE id = ?)",
            (claim_id, resp, claim_id),
        )
    con.close()
    result = sample_cli("audit", "verify")
    assert result.exit_code == 1
    assert f"ledger_entry {entry_id}" in result.stdout and "differs from what event 1 wrote" in result.stdout
    assert result.stdout.endswith(": 1 break(s)\n")


def test_anchor_prints_hash_and_count_and_verify_checks_it(sample_cli):
    printed = sample_cli("audit", "anchor")
    assert printed.exit_code == 0
    anchor = printed.stdout.strip()
    digest, count = anchor.split(":")
    assert len(digest) == 64 and count == "7"
    ok = sample_cli("audit", "verify", "--anchor", anchor)
    assert ok.exit_code == 0 and ok.stdout.endswith("against anchor 7: no breaks\n")
    rewritten = sample_cli("audit", "verify", "--anchor", f"{'0' * 64}:7")
    assert rewritten.exit_code == 1 and "the chain was rewritten" in rewritten.stdout
    cut = sample_cli("audit", "verify", "--anchor", f"{digest}:9")
    assert cut.exit_code == 1 and "names event 9, the chain ends at event 7: events cut from its end" in cut.stdout
    bad = sample_cli("audit", "verify", "--anchor", "not-an-anchor")
    assert bad.exit_code == 2 and "not an anchor (HASH:COUNT" in bad.output


def test_a_write_refuses_a_chain_whose_newest_event_was_removed(sample_cli):
    _tamper(sample_cli, "DELETE FROM audit_event WHERE id = 7")
    _tamper(
        sample_cli, "UPDATE audit_head SET last_event_id = 6, last_hash = (SELECT hash FROM audit_event WHERE id = 6)"
    )
    result = sample_cli("users", "add", "alice")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: the audit chain does not verify at its head: event 7 was written but the head points at event 6 "
        "(events were removed from the end of the chain); nothing was written (run `ar-cli audit verify`; "
        "restore the ledger from a backup)"
    ]
