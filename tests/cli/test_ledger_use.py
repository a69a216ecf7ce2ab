"""Every command declares what it does with the ledger (cli/ledger_use.py): those that
read, or change what is already there, refuse a ledger that is not there (one line,
exit 2, nothing created); only those that bring data in make a new one, and say so."""

import os
import stat

import pytest
from typer.main import get_command

from ar_cli.cli.ledger_use import LedgerUse, declared_use
from ar_cli.cli.main import app
from conftest import REPO
from support import Cli

SAMPLE = REPO / "sample_data"
ERA = SAMPLE / "eras" / "02_acme_20260515.835"

# Every command, with the arguments that bring it to the point of opening the ledger.
# A new command fails test_every_command_is_declared_and_listed until it is added here.
ARGS: dict[tuple[str, ...], list[str]] = {
    ("export",): ["ledger", "--from", "2026-06-01", "--to", "2026-06-30", "--output", "{tmp}/x.csv"],
    ("kpis",): [],
    ("queue",): [],
    ("note",): ["C1", "called the payer"],
    ("follow-up",): ["C1", "--on", "2199-01-01", "--action", "call payer"],
    ("assign",): ["C1", "--to", "maria"],
    ("work",): [],
    ("db", "path"): [],
    ("db", "current"): [],
    ("db", "init"): [],
    ("db", "upgrade"): [],
    ("claims", "import"): [str(SAMPLE / "claims.csv")],
    ("claims", "list"): [],
    ("claims", "show"): ["C1"],
    ("payers", "list"): [],
    ("payers", "set"): ["MCR01", "--timely-filing", "90d"],
    ("payers", "alias"): ["MCR01", "X1"],
    ("config", "list"): [],
    ("config", "get"): ["report.ar_over_90_threshold"],
    ("config", "set"): ["report.ar_over_90_threshold", "0.3"],
    ("exceptions", "list"): [],
    ("exceptions", "resolve"): ["1", "--dismiss"],
    ("exceptions", "apply"): ["1", "--claim", "C1"],
    ("codes", "show"): ["45"],
    ("codes", "load"): ["codes.csv"],
    ("codes", "treatments"): ["treatments.csv"],
    ("era", "show"): [str(ERA)],
    ("aging",): [],
    ("aging", "snapshot"): [],
    ("aging", "trend"): [],
    ("post", "era"): [str(ERA)],
    ("post", "payment"): [
        "C1",
        "--amount",
        "10",
        "--method",
        "check",
        "--reference",
        "1",
        "--date",
        "2026-06-01",
        "--payer",
        "MCR01",
    ],
    ("post", "batch"): [str(SAMPLE / "claims.csv"), "--deposit-total", "10.00"],
    ("unapplied", "list"): [],
    ("unapplied", "apply"): ["1", "--claim", "C1"],
    ("denials", "list"): [],
    ("denials", "show"): ["C1"],
    ("denials", "appeal"): ["C1", "--note", "sent"],
    ("denials", "resolve"): ["C1", "--upheld"],
    ("denials", "trends"): [],
    ("denials", "flags"): [],
    ("audit", "verify"): [],
    ("audit", "anchor"): [],
    ("period", "close"): ["2026-05", "--output", "{tmp}"],
    ("period", "list"): [],
    ("period", "reopen"): ["2026-05", "--reason", "late EOB"],
    ("report", "nightly"): ["--output", "{tmp}"],
    ("users", "add"): ["maria"],
    ("users", "list"): [],
}


def _commands():
    """(path, Click command) for every command a user can run, groups with their own
    report (`aging`) included."""
    found = []

    def walk(command, path):
        if hasattr(command, "commands"):
            if path and command.invoke_without_command:
                found.append((path, command))
            for name in list(command.commands):
                walk(command.commands[name], path + (name,))
        else:
            found.append((path, command))

    walk(get_command(app), ())
    return found


def test_every_command_is_declared_and_listed():
    commands = _commands()
    undeclared = [" ".join(path) for path, command in commands if declared_use(command.callback) is None]
    assert undeclared == []
    assert sorted(path for path, _ in commands) == sorted(ARGS)


def test_the_declarations_are_the_contract():
    """Reports, lists, the queue, verify and exports only read; a new ledger comes only
    from the commands that bring data in (and `db init`)."""
    uses = {path: declared_use(command.callback) for path, command in _commands()}
    creators = sorted(" ".join(p) for p, use in uses.items() if use is LedgerUse.CREATES)
    assert creators == ["claims import", "codes load", "codes treatments", "post era"]
    for path in [
        ("aging",),
        ("queue",),
        ("work",),
        ("report", "nightly"),
        ("audit", "verify"),
        ("export",),
        ("kpis",),
        ("claims", "list"),
        ("denials", "list"),
        ("aging", "trend"),
    ]:
        assert uses[path] is LedgerUse.READS, path


REFUSERS = sorted(p for p, c in _commands() if declared_use(c.callback) in (LedgerUse.READS, LedgerUse.CHANGES))


@pytest.mark.parametrize("path", REFUSERS, ids=[" ".join(p) for p in REFUSERS])
def test_a_missing_ledger_is_refused_and_nothing_is_created(path, tmp_path):
    folder = tmp_path / "nowhere"
    ledger = folder / "ledger.sqlite"
    args = [a.replace("{tmp}", str(tmp_path)) for a in ARGS[path]]
    result = Cli(str(ledger))(*path, *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0] == (
        f"error: {ledger}: no ledger here (check --db or AR_DB); a new ledger is made "
        "by `ar-cli db init` or by importing into it"
    )
    assert not folder.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_nightly_on_a_missing_ledger_keeps_that_days_report(tmp_path):
    """The issue's cron line: AR_DB pointing nowhere replaced the day's report with an
    empty one and exited 0."""
    day = tmp_path / "reports" / "2026-06-30"
    day.mkdir(parents=True)
    (day / "aging.csv").write_text("yesterday's run\n")
    result = Cli(str(tmp_path / "nonexistent" / "ledger.sqlite"))(
        "report", "nightly", "--output", str(tmp_path / "reports"), "--as-of", "2026-06-30"
    )
    assert result.exit_code == 2
    assert (day / "aging.csv").read_text() == "yesterday's run\n"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["2026-06-30"]
    assert not (tmp_path / "nonexistent").exists()


def test_a_typo_in_db_is_not_an_empty_aging(tmp_path):
    made = tmp_path / "ledger.sqlite"
    assert Cli(str(made))("db", "init").exit_code == 0
    result = Cli(str(tmp_path / "ledgr.sqlite"))("aging")
    assert result.exit_code == 2 and "no ledger here" in result.stderr
    assert not (tmp_path / "ledgr.sqlite").exists()


def test_importing_creates_a_new_ledger_and_says_so_once(tmp_path):
    ledger = tmp_path / "new" / "ledger.sqlite"
    result = Cli(str(ledger))("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("created a new ledger") == 1
    assert f"created a new ledger at {ledger}\n" in result.stderr
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    again = Cli(str(ledger))("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30")
    assert again.exit_code == 0 and "created a new ledger" not in again.stderr


def test_posting_an_era_creates_a_new_ledger_and_says_so(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    result = Cli(str(ledger))("post", "era", str(ERA), "--posting-date", "2026-06-30")
    assert result.exit_code == 1, result.output  # nothing to match in a new ledger: held for a human
    assert result.stderr.count(f"created a new ledger at {ledger}") == 1


def test_db_init_makes_a_ledger_once(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    first = Cli(str(ledger))("db", "init")
    assert first.exit_code == 0 and first.stderr == f"created a new ledger at {ledger}\n"
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    second = Cli(str(ledger))("db", "init")
    assert second.exit_code == 0 and second.stderr == f"{ledger}: already a ledger; nothing to do\n"
    listed = Cli(str(ledger))("claims", "list", "--format", "csv")
    assert listed.exit_code == 0, listed.output


def test_db_upgrade_does_not_create_a_missing_file(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    result = Cli(str(ledger))("db", "upgrade")
    assert result.exit_code == 2 and "no ledger here" in result.stderr
    assert not ledger.exists()


def test_an_empty_ledgers_reports_say_it_is_empty(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    assert Cli(str(ledger))("db", "init").exit_code == 0
    note = f"note: the ledger at {ledger} is empty (no claims or remittances yet)\n"
    for args in (
        ["aging"],
        ["aging", "--by", "payer", "--basis", "billed"],
        ["queue"],
        ["kpis"],
        ["claims", "list"],
        ["denials", "list"],
        ["audit", "verify"],
    ):
        result = Cli(str(ledger))(*args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert result.stderr == note, args
    # Once something is imported, no note.
    assert (
        Cli(str(ledger))("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    )
    assert Cli(str(ledger))("aging").stderr == ""
    assert Cli(str(ledger))("claims", "list").stderr == ""


def test_nightly_on_an_empty_ledger_is_not_an_all_clear(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    assert Cli(str(ledger))("db", "init").exit_code == 0
    (tmp_path / "reports").mkdir()
    result = Cli(str(ledger))("report", "nightly", "--output", str(tmp_path / "reports"), "--as-of", "2026-06-30")
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "nothing new" not in line
    assert line.endswith("needs a human: the ledger is empty (no claims or remittances yet)")


def test_a_postgres_database_without_a_schema_is_not_a_ledger(pg_url):
    for args in (["aging"], ["report", "nightly", "--output", "/nonexistent-folder"], ["claims", "list"]):
        result = Cli(pg_url)(*args)
        if args[0] == "report":
            assert result.exit_code == 2  # the folder is checked first; either way no report
            continue
        assert result.exit_code == 2, result.output
        assert result.stderr.strip().endswith("not a ledger (an empty database); `ar-cli db init` makes it one")
    made = Cli(pg_url)("db", "init")
    assert made.exit_code == 0 and made.stderr.startswith("created a new ledger at postgresql+psycopg://")
    assert Cli(pg_url)("aging").exit_code == 0


def test_an_empty_file_given_as_db_is_refused_by_readers_and_made_private_by_writers(tmp_path):
    empty = tmp_path / "given.sqlite"
    empty.touch(mode=0o644)
    os.chmod(empty, 0o644)
    read = Cli(str(empty))("aging")
    assert read.exit_code == 2
    assert read.stderr == f"error: {empty}: not a ledger (an empty file); `ar-cli db init` makes it one\n"
    assert empty.stat().st_size == 0
    made = Cli(str(empty))("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30")
    assert made.exit_code == 0, made.output
    assert f"created a new ledger at {empty}" in made.stderr
    assert stat.S_IMODE(empty.stat().st_mode) == 0o600


@pytest.mark.parametrize("args", [["codes", "show", "45"], ["era", "show", str(ERA), "--format", "json"]])
def test_reading_codes_without_a_ledger_uses_the_built_in_lists_and_creates_nothing(tmp_path, args):
    folder = tmp_path / "nowhere"
    result = Cli(str(folder / "ledger.sqlite"))(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and not folder.exists()
