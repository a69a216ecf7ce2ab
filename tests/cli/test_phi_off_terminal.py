"""PHI off the terminal: a table written to a pipe, a redirect or a cron log is masked
unless --include-phi, and --include-phi anywhere but a terminal is an audit event.
(Typer's runner is not a terminal: its stdout is what `ar-cli queue >q.txt` writes.)"""

import json
import stat

import pytest
from sqlalchemy import select

from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import AuditEventRow
from conftest import FIXTURES

NAMES = ("DOE, JANE", "ROE, RICHARD", "POE, EDGAR")


def _events(url, action: str) -> list[dict]:
    ledger = Ledger(resolve_location(url)).open()
    try:
        with ledger.read() as session:
            rows = (
                session.execute(select(AuditEventRow).where(AuditEventRow.action == action).order_by(AuditEventRow.id))
                .scalars()
                .all()
            )
            return [{"source": r.source, "actor": r.actor, "details": json.loads(r.details)} for r in rows]
    finally:
        ledger.dispose()


@pytest.fixture
def small(cli):
    result = cli("claims", "import", str(FIXTURES / "claims" / "small.csv"), "--posting-date", "2026-06-30")
    assert result.exit_code == 0, result.output
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ["queue", "--as-of", "2026-06-30"],
        ["claims", "list"],
        ["claims", "show", "C1001"],
        ["aging", "--as-of", "2026-06-30", "--by", "patient"],
    ],
)
def test_a_table_off_the_terminal_is_masked(small, ledger_url, args):
    result = small(*args)
    assert result.exit_code == 0, result.output
    assert not any(name in result.stdout for name in NAMES), result.stdout
    assert "D***, J***" in result.stdout
    assert _events(ledger_url, "output.phi") == []


def test_include_phi_to_a_pipe_shows_names_and_is_recorded(small, ledger_url):
    result = small("queue", "--as-of", "2026-06-30", "--include-phi")
    assert result.exit_code == 0, result.output
    assert all(name in result.stdout for name in NAMES)
    (event,) = _events(ledger_url, "output.phi")
    assert event["source"] == "stdout (a pipe or file)" and event["actor"] == "tester"
    assert event["details"] == {"command": "ar-cli queue", "format": "table", "phi": "included", "rows": 3}


def test_include_phi_to_a_file_is_recorded_and_private(small, ledger_url, tmp_path):
    target = tmp_path / "claims.json"
    result = small("claims", "list", "--format", "json", "--include-phi", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert {r["patient_name"] for r in json.loads(target.read_text())["claims"]} == set(NAMES)
    (event,) = _events(ledger_url, "output.phi")
    assert event["source"] == str(target) and event["details"]["command"] == "ar-cli claims list"
    # No PHI in the report, nothing to record: payers hold none.
    assert small("payers", "list", "--include-phi", "--format", "csv").exit_code == 0
    # The export records its own event, once.
    exported = small(
        "export",
        "claims",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
        "--include-phi",
        "--output",
        str(tmp_path / "x.csv"),
    )
    assert exported.exit_code == 0, exported.output
    assert len(_events(ledger_url, "output.phi")) == 1 and len(_events(ledger_url, "export.claims")) == 1


def test_era_show_masks_off_the_terminal_and_records_include_phi(cli, ledger_url, tmp_path):
    era = FIXTURES / "x12" / "one-line.835"
    shown = cli("era", "show", str(era))
    assert shown.exit_code == 0 and "TESTER" not in shown.stdout and "T***, P***" in shown.stdout
    table = tmp_path / "era.txt"
    assert cli("era", "show", str(era), "--format", "table", "--output", str(table), "--include-phi").exit_code == 0
    assert "TESTER, PAT" in table.read_text() and stat.S_IMODE(table.stat().st_mode) == 0o600
    assert [e["source"] for e in _events(ledger_url, "output.phi")] == [str(table)]
