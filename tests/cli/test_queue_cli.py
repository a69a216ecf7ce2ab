"""`ar-cli queue`: table, JSON and CSV from one report; filters; bad input is one line,
exit 2, nothing changed."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select


def _queue(cli, *args):
    result = cli("queue", "--as-of", "2026-06-30", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["queue"]


def test_json_is_ranked_with_a_why_on_every_row(sample_cli):
    rows = _queue(sample_cli)
    assert len(rows) == 50
    assert [r["rank"] for r in rows] == list(range(1, 51))
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    first = rows[0]
    assert first["claim_number"] == "CLM100182" and first["kind"] == "claim" and first["payer"] == "ACM01"
    assert first["amount"] == 1524.00 and first["owed_by"] == "primary"
    assert first["why"] == "denied: authorization · $1,524 · 81 days"
    assert first["patient_name"] == "H***, V***"  # a pipe is a file: masked
    assert all(r["why"] for r in rows)
    assert _queue(sample_cli, "--include-phi")[0]["patient_name"] == "HAZELWICK, VERA"


def test_csv_and_table_come_from_the_same_rows(sample_cli):
    result = sample_cli("queue", "--as-of", "2026-06-30", "--format", "csv", "--limit", "5")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["claim_number"] for r in rows] == [r["claim_number"] for r in _queue(sample_cli, "--limit", "5")]
    assert rows[0]["amount"] == "1524.00"
    table = sample_cli("queue", "--as-of", "2026-06-30", "--limit", "3")
    assert table.exit_code == 0 and "Work queue as of 2026-06-30 · top 3" in table.stdout
    assert "CLM100182" in table.stdout


def test_filters_and_kinds(sample_cli):
    assert {r["payer"] for r in _queue(sample_cli, "--payer", "ACM01")} == {"ACM01"}
    assert {r["kind"] for r in _queue(sample_cli, "--kind", "exception")} == {"exception"}
    assert {r["claim_number"] for r in _queue(sample_cli, "--category", "bundling")} >= {"CLM100028"}
    assert all(r["amount"] >= 300 for r in _queue(sample_cli, "--min-balance", "300"))
    everything = _queue(sample_cli, "--limit", "0")
    assert len(everything) > 50 and any(r["kind"] == "exception" for r in everything)
    old = _queue(sample_cli, "--bucket", "121+", "--limit", "0")
    assert old and all(r["age_days"] >= 121 for r in old)


def test_empty_queue_says_so(cli):
    result = cli("queue")
    assert result.exit_code == 0 and "Nothing to work: no item matches." in result.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["--payer", "NOPE"], "error: payer 'NOPE' is not in the ledger (see `ar-cli payers list`)\n"),
        (["--bucket", "5-10"], "error: --bucket: '5-10' is not one of 0-30, 31-60, 61-90, 91-120, 121+\n"),
        (
            ["--category", "weather"],
            "error: --category: 'weather' is not one of eligibility, authorization, coding, "
            "bundling, medical_necessity, timely_filing, duplicate, missing_info, "
            "coordination_of_benefits, credentialing, non_covered, other\n",
        ),
        (
            ["--financial-class", "gold"],
            "error: --financial-class: 'gold' is not one of medicare, medicaid, commercial, self-pay, other\n",
        ),
        (["--kind", "claims"], "error: --kind: 'claims' is not one of claim, exception, unapplied, credit\n"),
        (["--assignee", "zed"], "error: --assignee: user 'zed' does not exist (see `ar-cli users list`)\n"),
        (["--min-balance", "abc"], "error: --min-balance: 'abc' is not an amount\n"),
        (["--min-balance", "-5"], "error: --min-balance: '-5' is negative\n"),
        (["--as-of", "2026-13-01"], "error: --as-of: '2026-13-01' is not a date (YYYY-MM-DD)\n"),
    ],
)
def test_bad_input_is_one_line_exit_2(sample_cli, args, message):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location
    from ar_cli.store.tables import AuditEventRow

    ledger = Ledger(resolve_location(sample_cli.db)).open()
    with ledger.read() as session:
        before = session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
    result = sample_cli("queue", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == message
    with ledger.read() as session:
        assert session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one() == before
    ledger.dispose()


def test_work_refuses_bad_filters_before_the_screen_takes_over(cli):
    result = cli("work", "--payer", "NOPE")
    assert result.exit_code == 2
    assert result.stderr == "error: payer 'NOPE' is not in the ledger (see `ar-cli payers list`)\n"
