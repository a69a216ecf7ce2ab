"""`aging` as of today on a SQLite file reads the open-balance summary with sqlite3 alone
(reports/aging/today.py); its output is byte for byte the usual path's, and anything it
cannot vouch for goes the usual way, with the usual messages."""

import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ar_cli.domain.aging import Basis, GroupBy, Party
from ar_cli.reports.aging import today as aging_today
from ar_cli.reports.aging.layout import AgingQuery
from ar_cli.store import read_only
from ar_cli.store.queries import aging as aging_queries
from conftest import REPO
from support import files_that_are_not_ledgers, set_schema_revision

SQLITE_ONLY = pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
AS_OF_DATES = ([], ["--as-of", "2026-06-30"])  # today, and the day everything was posted


@pytest.fixture
def spy(monkeypatch):
    """Counts the reports the summary file served; `off()` sends every run the usual way."""
    served = []
    real = aging_today.aging_from_summary_file

    def counting(path, query):
        result = real(path, query)
        served.extend([result] if result is not None else [])
        return result

    monkeypatch.setattr(aging_today, "aging_from_summary_file", counting)

    class Spy:
        def off(self):
            monkeypatch.setattr(aging_today, "aging_from_summary_file", lambda path, query: None)

        @property
        def count(self):
            return len(served)

    return Spy()


def _xlsx_parts(data: bytes) -> dict[str, bytes]:
    """A workbook's parts, less the times it was written (docProps/core.xml)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def _outputs(cli, tmp_path, tag: str, args: list[str]) -> dict[str, object]:
    """stdout of table, csv and json, and the csv, json and xlsx files, for one aging."""
    got = {}
    for fmt in ("table", "csv", "json"):
        done = cli("aging", *args, "--format", fmt)
        assert done.exit_code == 0, done.output
        got[fmt] = done.stdout
    for fmt in ("csv", "json", "xlsx"):
        path = tmp_path / f"{tag}.{fmt}"
        done = cli("aging", *args, "--format", fmt, "--output", str(path))
        assert done.exit_code == 0, done.output
        got[f"{fmt} file"] = _xlsx_parts(path.read_bytes()) if fmt == "xlsx" else path.read_bytes()
        path.unlink()
    return got


def _compare(cli, tmp_path, spy, combos) -> None:
    fast = {}
    for n, args in enumerate(combos):
        before = spy.count
        fast[n] = _outputs(cli, tmp_path, f"fast{n}", args)
        assert spy.count == before + 6, f"the summary file did not serve {args}"
    spy.off()
    for n, args in enumerate(combos):
        usual = _outputs(cli, tmp_path, f"usual{n}", args)
        for what in usual:
            assert fast[n][what] == usual[what], f"{' '.join(args)} --format {what}"


@SQLITE_ONLY
def test_every_report_the_summary_serves_is_byte_identical(sample_cli, tmp_path, spy):
    combos = [
        [*when, "--by", by, "--basis", basis, "--responsibility", party]
        for when in AS_OF_DATES
        for by in ("payer", "financial-class")
        for basis in ("service", "billed")
        for party in ("all", "insurance", "patient")
    ]
    combos += [
        ["--financial-class", "commercial"],
        ["--by", "financial-class", "--financial-class", "medicare"],
        ["--buckets", "30,60,120"],
        ["--buckets", "45,90,180,365", "--by", "financial-class"],
    ]
    _compare(sample_cli, tmp_path, spy, combos)


@SQLITE_ONLY
def test_the_team_buckets_are_read_from_the_file(sample_cli, tmp_path, spy):
    # 90 is not an edge: "over 90 days" is summed apart from the buckets.
    assert sample_cli("config", "set", "aging.buckets", "20,45,100").exit_code == 0
    _compare(sample_cli, tmp_path, spy, [[], ["--by", "financial-class", "--basis", "billed"]])


@SQLITE_ONLY
def test_what_the_summary_file_leaves_to_the_usual_path(sample_cli, spy):
    path = Path(sample_cli.db)
    today = date.today()
    assert aging_today.aging_from_summary_file(path, AgingQuery(as_of=today)) is not None
    for query in (
        AgingQuery(as_of=date(2026, 6, 29)),  # entries posted after it
        AgingQuery(as_of=today, payer="ACM01"),
        AgingQuery(as_of=today, min_balance=1),
        AgingQuery(as_of=today, group_by=GroupBy.PATIENT),
        AgingQuery(as_of=today, basis=Basis.RESPONSIBILITY, party=Party.INSURANCE),
    ):
        assert aging_today.aging_from_summary_file(path, query) is None, query
    # ...and the usual path still answers them.
    assert sample_cli("aging", "--payer", "ACM01").exit_code == 0
    assert sample_cli("aging", "--as-of", "2026-06-29", "--by", "patient").exit_code == 0
    assert spy.count == 1  # the first call above


def test_files_the_reader_does_not_vouch_for(tmp_path):
    query = AgingQuery(as_of=date.today())
    missing, others = files_that_are_not_ledgers(tmp_path)
    assert aging_today.aging_from_summary_file(missing, query) is None and not missing.exists()
    for path in others:
        assert aging_today.aging_from_summary_file(path, query) is None, path


@pytest.mark.parametrize(
    "revision,message",
    [
        ("0003_open_balance_summary", "is older than this ar-cli"),
        ("9999_future", "ledger schema 9999_future is newer than this ar-cli"),
    ],
)
def test_a_ledger_off_head_gets_the_usual_refusal(sqlite_cli, spy, revision, message):
    assert sqlite_cli("db", "init").exit_code == 0
    set_schema_revision(sqlite_cli.db, revision)
    done = sqlite_cli("aging")
    assert done.exit_code == 2 and message in done.stderr, done.stderr
    assert spy.count == 0


def test_a_missing_ledger_is_refused_by_the_usual_path(sqlite_cli, spy):
    done = sqlite_cli("aging", "--format", "json")
    assert done.exit_code == 2 and "no ledger here" in done.stderr and spy.count == 0
    assert not Path(sqlite_cli.db).exists()
    # A new ledger at head is served from the file.
    assert sqlite_cli("db", "init").exit_code == 0
    first = sqlite_cli("aging", "--format", "json")
    assert first.exit_code == 0 and json.loads(first.stdout)["aging"] == [] and spy.count == 1


def test_the_reader_knows_the_schema_head_and_the_patient_key():
    from ar_cli.store import balance_summary, schema

    assert read_only.schema_head() == schema.HEAD_REVISION
    assert aging_queries.PATIENT_KEY == balance_summary.PATIENT_KEY


@SQLITE_ONLY
def test_aging_as_of_today_imports_no_sqlalchemy(sample_cli):
    code = (
        "import sys\nfrom ar_cli.cli.main import app\n"
        f"app(['--db', {sample_cli.db!r}, 'aging', '--format', 'csv'], prog_name='ar-cli', "
        "standalone_mode=False)\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'pandas', 'ar_cli.store.tables') "
        "if m in sys.modules)\nprint('HEAVY', heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "HEAVY []"


@SQLITE_ONLY
def test_one_builder_reads_the_same_through_sqlite3_and_the_session(sample_cli):
    """The builder the fast path runs gives every aging (not only what the summary serves)
    the same through a bare sqlite3 connection as through an opened ledger's session."""
    import sqlite3

    from ar_cli.reports.aging.report import aging_report
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location
    from ar_cli.store.sql import sql_of

    ledger = Ledger(resolve_location(sample_cli.db)).open()
    con = sqlite3.connect(sample_cli.db)
    try:
        for as_of in (date.today(), date(2026, 6, 29)):
            for group_by in GroupBy:
                for basis in Basis:
                    for extra in ({}, {"party": Party.PATIENT}, {"min_balance": 1}, {"payer": "ACM01"}):
                        query = AgingQuery(as_of=as_of, group_by=group_by, basis=basis, **extra)
                        with ledger.read() as session:
                            usual = aging_report(session, query)
                        bare = aging_report(sql_of(con), query)
                        assert bare == usual, query
    finally:
        con.close()
        ledger.dispose()
