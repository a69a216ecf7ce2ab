"""Issue #14 items 5 and 8: what an unattended run meets — no terminal, NO_COLOR, a
busy PostgreSQL ledger, a read-only file, impossible dates, over-long identifiers,
an empty --db, PHI in a charge file's errors. Each is one line and a clear exit code."""

import os
import pty
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ar_cli.cli.main import app
from conftest import REPO
from support import CLAIMS_HEADER, Cli, write_csv

SAMPLE = REPO / "sample_data"
ERA = SAMPLE / "eras" / "02_acme_20260515.835"
GOOD = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,25,1,145.00,1EG4,,,,C1-1'
AR_CLI = str(Path(sys.executable).parent / "ar-cli")  # the installed console script
COLOUR = re.compile(rb"\x1b\[(3[0-7]|38;|9[0-7])")


def _on_a_terminal(code: str, env: dict) -> bytes:
    """Run Python `code` with stdin, stdout and stderr on a pseudo-terminal; its output."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=child, stdout=child, stderr=child, env=env, cwd=REPO, close_fds=True
    )
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=60)
    os.close(main)
    return out


@pytest.mark.parametrize("console", ["stdout_console", "stderr_console"])
def test_no_color_is_honoured_on_a_terminal(console):
    code = f"from ar_cli.cli.console import {console}\n{console}().print('[red]late[/red] [green]paid[/green]')"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="100")
    assert COLOUR.search(_on_a_terminal(code, env))  # colour on a terminal, as before
    plain = _on_a_terminal(code, {**env, "NO_COLOR": "1"})
    assert b"late" in plain and not COLOUR.search(plain)


def test_work_without_a_terminal_is_one_line_exit_2(cli):
    result = cli("work")
    assert result.exit_code == 2
    assert result.stderr == "error: work is interactive and needs a terminal; `ar-cli queue` lists the same work\n"
    assert result.stdout == ""


def test_work_piped_from_a_real_shell_returns_at_once(tmp_path, sqlite_url):
    assert Cli(sqlite_url)("db", "init").exit_code == 0
    started = time.monotonic()
    done = subprocess.run(
        [AR_CLI, "--db", sqlite_url, "work"], capture_output=True, stdin=subprocess.DEVNULL, timeout=60, cwd=REPO
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 2 and b"\x1b" not in done.stdout + done.stderr
    assert done.stderr.decode().splitlines() == [
        "error: work is interactive and needs a terminal; `ar-cli queue` lists the same work"
    ]


# -- dates -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args,option",
    [
        (["aging", "--as-of", "0001-01-01"], "--as-of"),
        (["aging", "--as-of", "9999-12-31"], "--as-of"),
        (["queue", "--as-of", "0001-01-01"], "--as-of"),
        (["kpis", "--from", "1899-12-31", "--to", "2026-06-30"], "--from"),
        (["denials", "flags", "--as-of", "2200-01-01"], "--as-of"),
        (["aging", "trend", "--to", "0001-01-01"], "--to"),
        (["claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "0026-06-30"], "--posting-date"),
        (["follow-up", "C1", "--on", "9999-01-01", "--action", "call"], "--on"),
    ],
)
def test_dates_outside_1900_2199_are_refused_at_the_edge(cli, args, option):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {option}: ") and line.endswith("is outside the years 1900-2199; check the year")


def test_every_date_option_is_parsed_in_one_place():
    """cli/state.parse_date checks the range; no command parses a date any other way."""
    elsewhere = [
        path.name
        for path in (REPO / "ar_cli" / "cli").glob("*.py")
        if path.name != "state.py" and re.search(r"fromisoformat|strptime|datetime\]|typer\.DateTime", path.read_text())
    ]
    assert elsewhere == []


# -- --db --------------------------------------------------------------------------
def test_an_empty_db_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # where the default ledger would go
    runner = CliRunner()
    result = runner.invoke(app, ["--db", "", "aging"])
    assert result.exit_code == 2
    assert result.stderr == "error: --db: empty; give a ledger file path or a postgresql+psycopg:// URL\n"
    monkeypatch.setenv("AR_DB", "")
    result = runner.invoke(app, ["claims", "import", str(SAMPLE / "claims.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: AR_DB: set but empty;")
    assert list(tmp_path.iterdir()) == []


# -- a read-only ledger file ---------------------------------------------------------
def _without_root_powers() -> list[str]:
    """A prefix that runs a command unable to write a file it may only read: as root,
    with the capabilities that override file permissions dropped."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only file would be written anyway")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_ledger_file_is_one_line_exit_2(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    assert Cli(str(ledger))("db", "init").exit_code == 0
    os.chmod(ledger, 0o444)
    exe = [AR_CLI, "--db", str(ledger), "--user", "cron"]
    done = subprocess.run(
        [*_without_root_powers(), *exe, "claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"error: {ledger}: the ledger file is read-only for this user; nothing was changed "
        "(check its permissions and its folder's)\n"
    )
    read = subprocess.run(
        [*_without_root_powers(), *exe, "aging"], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert read.returncode == 0, read.stderr  # reading a read-only ledger still works
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o444


# -- PostgreSQL: a writer behind another session's lock ---------------------------------
def test_a_blocked_postgres_writer_gives_up_after_the_busy_timeout(pg_url, tmp_path, monkeypatch):
    import psycopg

    assert Cli(pg_url)("db", "init").exit_code == 0
    csv = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD)
    with psycopg.connect(pg_url.replace("+psycopg", "")) as other:
        other.execute("SELECT * FROM audit_head FOR UPDATE")  # a writer mid-transaction holds the chain head
        monkeypatch.setenv("AR_BUSY_TIMEOUT", "1")
        started = time.monotonic()
        result = Cli(pg_url)("claims", "import", str(csv), "--posting-date", "2026-06-30")
        waited = time.monotonic() - started
        other.rollback()
    assert result.exit_code == 75, result.output
    (line,) = result.stderr.splitlines()
    assert line.endswith("the ledger is busy (another writer held it for 1 s); try again")
    assert 1 <= waited < 15
    monkeypatch.delenv("AR_BUSY_TIMEOUT")
    assert Cli(pg_url)("claims", "import", str(csv), "--posting-date", "2026-06-30").exit_code == 0


# -- identifiers longer than the ledger stores ------------------------------------------
def _claims_count(cli) -> int:
    import json

    return len(json.loads(cli("claims", "list", "--format", "json").stdout)["claims"])


def test_a_100_character_claim_number_is_refused_on_both_databases(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD.replace("C1,A1", "C" * 100 + ",A1"))
    result = cli("claims", "import", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {path}: line 2: claim_number: is longer than 80 characters\n"
    assert _claims_count(cli) == 0


@pytest.mark.parametrize("segment,element", [("CLP*CLM100009*", "CLP01"), ("TRN*1*095190*", "TRN02")])
def test_an_835_with_a_100_character_identifier_is_refused_on_both_databases(cli, tmp_path, segment, element):
    text = ERA.read_text()
    long = segment.split("*")[0] + "*" + ("1*" if element == "TRN02" else "") + "9" * 100 + "*"
    changed = tmp_path / "long.835"
    changed.write_text(text.replace(segment, long, 1))
    assert changed.read_text() != text
    result = cli("post", "era", str(changed), "--posting-date", "2026-06-30")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(rf"error: long\.835: segment \d+: {element}: is longer than 80 characters", line), line
    assert "9" * 100 not in result.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--user", "u" * 81, "users", "add", "maria"], "--user: is longer than 80 characters"),
        (["users", "add", "m" * 81], "NAME: is longer than 80 characters"),
        (["payers", "alias", "MCR01", "X" * 81], "ID: is longer than 80 characters"),
        (["payers", "set", "MCR01", "--name", "N" * 201], "--name: is longer than 200 characters"),
        (
            [
                "post",
                "payment",
                "C1",
                "--amount",
                "1",
                "--method",
                "check",
                "--reference",
                "9" * 101,
                "--date",
                "2026-06-01",
                "--payer",
                "MCR01",
            ],
            "--reference: is longer than 100 characters",
        ),
    ],
)
def test_option_values_longer_than_the_ledger_stores_are_refused(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {message}\n"


# -- PHI in a charge file's errors ----------------------------------------------------
def test_claims_import_never_prints_a_birth_date(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", CLAIMS_HEADER, GOOD.replace("1950-02-03", "1950-02-30"))
    result = cli("claims", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: line 2: patient_dob: is not a real date\n"
    assert "1950" not in result.output
