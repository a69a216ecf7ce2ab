"""The cron contract of `ar-cli report nightly` (issue #14 item 6): every run appends one
line to --log, failed runs too, so the cron line never mails last night's line; and a
run after a gap (the machine was off) names what came due in between, appeal deadlines
that passed unseen included."""

import sqlite3

import pytest

DAY = "2026-06-30"


def _lines(log):
    return log.read_text(encoding="utf-8").splitlines()


def _nightly(cli, out, log, day, *extra):
    return cli("report", "nightly", "--output", str(out), "--as-of", day, "--log", str(log), *extra)


@pytest.mark.parametrize(
    "args,exit_code,says",
    [
        (["--as-of", "2026-13-01"], 2, "--as-of"),
        (["--output", "{tmp}/nightly.log"], 2, "is a file, not a folder"),  # a missing folder is created
        (["--queue-limit", "0"], 2, "--queue-limit"),
    ],
)
def test_a_refused_run_logs_one_line_with_its_exit_code(sample_cli, tmp_path, args, exit_code, says):
    log = tmp_path / "nightly.log"
    assert _nightly(sample_cli, tmp_path, log, DAY).exit_code == 1
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = sample_cli("report", "nightly", "--output", str(tmp_path), "--log", str(log), *args)
    assert result.exit_code == exit_code, result.output
    first, last = _lines(log)
    assert "needs a human" in first
    assert "report nightly" in last and f"failed (exit {exit_code})" in last and says in last
    assert last == last.strip() and "Traceback" not in last


def test_an_internal_error_logs_its_line_and_exits_70(sample_cli, tmp_path, monkeypatch):
    import ar_cli.reports.nightly as nightly_report

    def broken(*_args, **_kwargs):
        raise RuntimeError("the report could not be gathered")

    monkeypatch.setattr(nightly_report, "gather_nightly", broken)
    log = tmp_path / "nightly.log"
    result = _nightly(sample_cli, tmp_path, log, DAY)
    assert result.exit_code == 70, result.output
    (line,) = _lines(log)
    assert line.endswith(
        f"ar-cli report nightly {DAY}: failed (exit 70): internal error: RuntimeError: the report could not be gathered"
    )
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == []  # no folder, no staging left


def test_a_busy_ledger_logs_its_line_and_exits_75(sqlite_cli, sqlite_url, tmp_path, monkeypatch):
    from conftest import REPO

    assert (
        sqlite_cli("claims", "import", str(REPO / "sample_data" / "claims.csv"), "--posting-date", DAY).exit_code == 0
    )
    monkeypatch.setenv("AR_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(sqlite_url, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the ledger for the whole run
    try:
        log = tmp_path / "nightly.log"
        result = _nightly(sqlite_cli, tmp_path, log, DAY)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 75, result.output
    (line,) = _lines(log)
    assert f"ar-cli report nightly {DAY}: failed (exit 75): " in line and "the ledger is busy" in line


def test_a_run_after_a_gap_names_the_appeal_deadlines_that_passed_in_between(sample_cli, tmp_path):
    """Denial 1 (claim CLM100126 in the sample practice) must be appealed by 2026-09-03.
    On 2026-08-01 that is 33 days away, outside the 14-day window; the machine is then
    off (one failed run in between) until 2026-09-10, a week after the deadline."""
    log = tmp_path / "nightly.log"
    assert _nightly(sample_cli, tmp_path, log, "2026-08-01").exit_code in (0, 1)
    assert "appeal" not in _lines(log)[-1]
    assert _nightly(sample_cli, tmp_path, log, "2026-08-20", "--queue-limit", "0").exit_code == 2
    result = _nightly(sample_cli, tmp_path, log, "2026-09-10")
    assert result.exit_code == 1, result.output
    line = _lines(log)[-1]
    assert "needs a human" in line
    assert "1 appeal deadline passed since the last run (2026-08-01): CLM100126:1" in line
    # The same night again: told once, nothing new.
    assert _nightly(sample_cli, tmp_path, log, "2026-09-10").exit_code == 0
    assert _lines(log)[-1].endswith("nothing new")
    assert len(_lines(log)) == 4
