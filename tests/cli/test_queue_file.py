"""`queue` on a SQLite file reads it with sqlite3 alone (reports/queue/from_file.py): the same
statements through store/sql.py over a sqlite3 connection, so its output is byte for byte the
usual path's; anything the read-only opener does not vouch for goes the usual way, with
the usual messages and exit codes."""

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ar_cli.reports.queue import from_file as queue_file
from ar_cli.reports.queue.build import QueueFilter
from ar_cli.reports.queue.report import read_queue
from ar_cli.store.sql import sql_of
from conftest import REPO
from support import files_that_are_not_ledgers, set_schema_revision

SQLITE_ONLY = pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
AS_OF = ["--as-of", "2026-06-30"]
FILTERS = [
    [],
    ["--limit", "5"],
    ["--limit", "0"],
    ["--all"],
    ["--all", "--limit", "0"],
    ["--payer", "ACM01"],
    ["--payer", "medicare part b"],
    ["--financial-class", "self-pay"],
    ["--financial-class", "commercial", "--limit", "0"],
    ["--bucket", "121+", "--limit", "0"],
    ["--bucket", "31-60"],
    ["--category", "bundling"],
    ["--category", "authorization", "--limit", "3"],
    ["--assignee", "maria"],
    ["--assignee", "maria", "--all"],
    ["--min-balance", "300"],
    ["--kind", "exception"],
    ["--kind", "credit", "--limit", "0"],
    ["--kind", "unapplied"],
    ["--payer", "ACM01", "--bucket", "91-120", "--min-balance", "50", "--all"],
]
LATER = [["--as-of", "2026-09-15"], ["--as-of", "2027-03-01"]]
LATER_FILTERS = [[], ["--all", "--limit", "0"], ["--assignee", "maria", "--all"], ["--bucket", "121+"]]


@pytest.fixture
def spy(monkeypatch):
    """Counts the queues the file served; `off()` sends every run the usual way."""
    served = []
    real = queue_file.queue_from_file

    def counting(path, flt, *, as_of):
        result = real(path, flt, as_of=as_of)
        served.extend([result] if result is not None else [])
        return result

    monkeypatch.setattr(queue_file, "queue_from_file", counting)

    class Spy:
        def off(self):
            monkeypatch.setattr(queue_file, "queue_from_file", lambda path, flt, *, as_of: None)

        @property
        def count(self):
            return len(served)

    return Spy()


@pytest.fixture
def worked(sample_cli):
    """The sample practice with work on it: a user with claims, notes, follow-ups (one
    far off, so --all matters) and team weights."""
    for args in (
        ["users", "add", "maria"],
        ["assign", "CLM100182", "--to", "maria"],
        ["assign", "CLM100028", "--to", "maria"],
        ["note", "CLM100043", "asked for the EOB"],
        ["follow-up", "CLM100182", "--on", "2099-01-01", "--action", "call payer"],
        ["follow-up", "CLM100028", "--on", "2099-02-01", "--action", "appeal", "--to", "maria"],
        ["config", "set", "queue.weights", "money=50,deadline=70"],
        ["config", "set", "queue.payer_points", "ACM01=10,medicaid=5"],
    ):
        done = sample_cli(*args)
        assert done.exit_code == 0, (args, done.output)
    return sample_cli


def _outputs(cli, tmp_path, tag: str, args: list[str]) -> dict[str, object]:
    """stdout of table, csv and json, and the csv and json files, for one queue."""
    got = {}
    for fmt in ("table", "csv", "json"):
        done = cli("queue", *args, "--format", fmt)
        assert done.exit_code == 0, done.output
        got[fmt] = done.stdout
    for fmt in ("csv", "json"):
        path = tmp_path / f"{tag}.{fmt}"
        done = cli("queue", *args, "--format", fmt, "--output", str(path), "--include-phi")
        assert done.exit_code == 0, done.output
        got[f"{fmt} file"] = path.read_bytes()
        path.unlink()
    return got


@SQLITE_ONLY
def test_every_queue_from_the_file_is_byte_identical(worked, tmp_path, spy):
    combos = [[*AS_OF, *flt] for flt in FILTERS] + [[*when, *flt] for when in LATER for flt in LATER_FILTERS]
    fast = {}
    for n, args in enumerate(combos):
        before = spy.count
        fast[n] = _outputs(worked, tmp_path, f"fast{n}", args)
        assert spy.count == before + 5, f"the file did not serve {args}"
    assert json.loads(fast[0]["json"])["queue"], "the sample's queue is not empty"
    spy.off()
    for n, args in enumerate(combos):
        usual = _outputs(worked, tmp_path, f"usual{n}", args)
        for what in usual:
            assert fast[n][what] == usual[what], f"{' '.join(args)} --format {what}"


@SQLITE_ONLY
def test_both_adapters_read_the_same_items(worked):
    """Every field of every item (facts, score, details), not only what is printed."""
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    ledger = Ledger(resolve_location(worked.db)).open()
    con = sqlite3.connect(worked.db)
    try:
        for as_of in (date(2026, 6, 30), date(2026, 12, 1)):
            for flt in (
                QueueFilter(limit=None, include_hidden=True),
                QueueFilter(limit=10),
                QueueFilter(limit=None, assignee="maria"),
                QueueFilter(limit=None, category="bundling"),
            ):
                with ledger.read() as session:
                    usual = read_queue(sql_of(session), flt, as_of=as_of)
                fast = read_queue(sql_of(con), flt, as_of=as_of)
                assert fast == usual, (as_of, flt)
    finally:
        con.close()
        ledger.dispose()


@SQLITE_ONLY
@pytest.mark.parametrize(
    "args",
    [
        ["--payer", "NOPE"],
        ["--assignee", "zed"],
        ["--bucket", "5-10"],
        ["--kind", "claims"],
        ["--category", "weather"],
        ["--financial-class", "gold"],
    ],
)
def test_bad_filters_say_the_same_from_the_file(sample_cli, spy, args):
    fast = sample_cli("queue", *args)
    spy.off()
    usual = sample_cli("queue", *args)
    assert (fast.exit_code, fast.stderr, fast.stdout) == (usual.exit_code, usual.stderr, usual.stdout)
    assert fast.exit_code == 2 and fast.stderr.startswith("error: ")


def test_files_the_opener_does_not_vouch_for(tmp_path):
    flt, today = QueueFilter(), date.today()
    missing, others = files_that_are_not_ledgers(tmp_path)
    assert queue_file.queue_from_file(missing, flt, as_of=today) is None and not missing.exists()
    for path in others:
        assert queue_file.queue_from_file(path, flt, as_of=today) is None, path


@pytest.mark.parametrize(
    "revision,message",
    [
        ("0004_queue_index", "is older than this ar-cli"),
        ("9999_future", "ledger schema 9999_future is newer than this ar-cli"),
    ],
)
def test_a_ledger_off_head_gets_the_usual_refusal(sqlite_cli, spy, revision, message):
    assert sqlite_cli("db", "init").exit_code == 0
    set_schema_revision(sqlite_cli.db, revision)
    done = sqlite_cli("queue")
    assert done.exit_code == 2 and message in done.stderr, done.stderr
    assert spy.count == 0


def test_a_missing_ledger_is_refused_by_the_usual_path(sqlite_cli, spy):
    done = sqlite_cli("queue", "--format", "json")
    assert done.exit_code == 2 and "no ledger here" in done.stderr and spy.count == 0
    assert not Path(sqlite_cli.db).exists()
    # A new ledger at head is served from the file.
    assert sqlite_cli("db", "init").exit_code == 0
    first = sqlite_cli("queue", "--format", "json")
    assert first.exit_code == 0 and json.loads(first.stdout)["queue"] == [] and spy.count == 1


@SQLITE_ONLY
def test_queue_on_a_sqlite_file_imports_no_sqlalchemy(sample_cli):
    code = (
        "import sys\nfrom ar_cli.cli.main import app\n"
        f"app(['--db', {sample_cli.db!r}, 'queue', '--limit', '50', '--as-of', '2026-06-30'], "
        "prog_name='ar-cli', standalone_mode=False)\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'pandas', 'ar_cli.store.tables', "
        "'ar_cli.store.database') if m in sys.modules)\nprint('HEAVY', heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "CLM100182" in done.stdout
    assert done.stdout.splitlines()[-1] == "HEAVY []"
