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
    assert result.stdout == ("checked 7 audit events, 2,011 entries, 460 claim balances, 5 unapplied entries, "
                             "8 remittances: no breaks\n")
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
        ("chain", "event 5"), ("balance", "claim CLM100001 primary"), ("summary", "open_balance_summary")]
