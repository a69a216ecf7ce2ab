"""`ar-cli kpis`: the table shows each formula; JSON holds the KPIs and, with --rows,
what they counted; bad ranges exit 2."""

import json

import pytest

from conftest import REPO

SAMPLE = REPO / "sample_data"


@pytest.fixture
def sample_cli(sqlite_cli):
    cli = sqlite_cli
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    assert cli("post", "era", str(SAMPLE / "eras"), "--posting-date", "2026-06-30").exit_code == 1
    return cli


def test_table_and_json(sample_cli):
    table = sample_cli("kpis", "--from", "2026-01-01", "--to", "2026-06-30")
    assert table.exit_code == 0, table.output
    assert "Net collection rate" in table.stdout and "denial and bad-debt" in table.stdout
    assert "12 claims" in table.stdout and "8.0%" in table.stdout
    data = json.loads(
        sample_cli("kpis", "--from", "2026-01-01", "--to", "2026-06-30", "--rows", "--format", "json").stdout
    )
    denial = next(k for k in data["kpis"] if k["key"] == "denial_rate")
    assert (denial["value"], denial["numerator"], denial["denominator"]) == (0.08, "12", "150")
    assert sum(1 for r in data["rows"] if r["kpi"] == "denial_rate" and r["numerator"] == "1") == 12


@pytest.mark.parametrize(
    "args,message",
    [
        (["--from", "2026-07-01", "--to", "2026-06-30"], "error: --from 2026-07-01 is after --to 2026-06-30\n"),
        (["--to", "yesterday"], "error: --to: 'yesterday' is not a date (YYYY-MM-DD)\n"),
    ],
)
def test_bad_range(sqlite_cli, args, message):
    result = sqlite_cli("kpis", *args)
    assert (result.exit_code, result.stderr) == (2, message)
