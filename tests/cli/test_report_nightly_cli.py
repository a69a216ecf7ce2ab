"""`ar-cli report nightly` on the sample practice, SQLite and PostgreSQL: the folder,
its files tie to the ledger, the page is self-contained, cron output is one plain line,
the exit code says whether something is new, bad input changes nothing."""

import csv
import io
import json
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import AgingSnapshotRow, AuditEventRow, ClaimBalanceRow

DAY = "2026-06-30"
FILES = {
    "aging.csv",
    "denials.csv",
    "queue.csv",
    "exceptions.csv",
    "cash_by_week.csv",
    "denial_rates.csv",
    "flags.csv",
    "forced_remittances.csv",
    "kpis.json",
    "report.html",
}


def _count(url, stmt):
    ledger = Ledger(resolve_location(url)).open()
    try:
        with ledger.read() as session:
            return session.execute(stmt).scalar_one()
    finally:
        ledger.dispose()


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.urls = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_nightly_writes_the_folder_and_says_what_is_new(sample_cli, ledger_url, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    first = sample_cli("report", "nightly", "--output", str(out), "--as-of", DAY, "--log", str(tmp_path / "n.log"))
    assert first.exit_code == 1, first.output  # the sample practice has an open exception: new to a first run
    assert first.stdout == ""
    (line,) = first.stderr.splitlines()
    assert "needs a human: 1 new remittance exception" in line and "\x1b[" not in line
    folder = out / DAY
    assert {p.name for p in folder.iterdir()} == FILES
    # The aging file ties to the ledger's open balances (credits apart).
    rows = list(csv.DictReader(io.StringIO((folder / "aging.csv").read_text())))
    total = next(r for r in rows if r["kind"] == "total")
    owed = _count(ledger_url, select(func.sum(ClaimBalanceRow.balance)).where(ClaimBalanceRow.balance > 0))
    assert round(float(total["total"]) * 100) == owed
    assert json.loads((folder / "kpis.json").read_text())
    page = _Page()
    html = (folder / "report.html").read_text()
    page.feed(html)
    assert page.tags[:2] == ["html", "head"] and page.tags.count("svg") == 3
    assert page.urls == [] and "<script" not in html and "http" not in html
    assert (
        _count(
            ledger_url,
            select(func.count()).select_from(AgingSnapshotRow).where(AgingSnapshotRow.as_of == date.fromisoformat(DAY)),
        )
        > 0
    )

    again = sample_cli("report", "nightly", "--output", str(out), "--as-of", DAY, "--log", str(tmp_path / "n.log"))
    assert again.exit_code == 0, again.output
    assert again.stderr.strip().endswith("nothing new")
    assert [p.name for p in out.iterdir()] == [DAY]  # replaced, no temporary folder left
    assert len((tmp_path / "n.log").read_text().splitlines()) == 2
    assert (
        _count(
            ledger_url, select(func.count()).select_from(AuditEventRow).where(AuditEventRow.action == "report.nightly")
        )
        == 2
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (["--output", "{tmp}/notes.txt"], "is a file, not a folder"),
        (["--output", "{tmp}", "--as-of", "2026-13-01"], "--as-of"),
        (["--output", "{tmp}", "--log", "{tmp}"], "--log"),
        (["--output", "{tmp}", "--queue-limit", "0"], "--queue-limit"),
    ],
)
def test_bad_input_exits_2_and_records_nothing(sample_cli, ledger_url, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    (tmp_path / "notes.txt").write_text("not a folder\n")
    before = _count(ledger_url, select(func.count()).select_from(AuditEventRow))
    result = sample_cli("report", "nightly", *args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert _count(ledger_url, select(func.count()).select_from(AuditEventRow)) == before
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_missing_output_folder_is_created(sample_cli, tmp_path):
    out = tmp_path / "reports" / "nightly"
    result = sample_cli("report", "nightly", "--output", str(out), "--as-of", DAY)
    assert result.exit_code in (0, 1), result.output
    assert sorted(p.name for p in (out / DAY).iterdir()) == sorted(FILES)
