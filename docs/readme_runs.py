"""The runs behind every output shown in README.md (issue #15 item 4: golden output that
cannot drift).

README.md holds cog blocks (`[[[cog ... ]]]`, inside HTML comments) that call this
module; `make readme` (cog -r) replaces each block's output with what the commands print
now, and tests/test_readme.py (cog --check) fails when README.md differs from that.

How a run is made the same on any machine, on any day:

- The demo ledger is built as `make demo` builds it: the Makefile's own `demo` recipe,
  read with `make -n` and run line by line (the same commands, in the same order), in a
  new temporary folder holding a copy of sample_data/. The tour then goes on in that
  folder, on that ledger (AR_DB=.demo/ledger.sqlite, AR_USER=demo): each block sees
  what the blocks above it did, in README order.
- That folder is shown as /srv/ar: in a shown command, /srv/ar names the folder; in the
  output, the folder's real path is written /srv/ar.
- Every ar-cli run is its own process running the ar-cli entry point (forked from this
  one after it imported ar-cli, or with AR_README_FORK=0 a new `python
  docs/readme_runs.py ar-cli ARGS`: the same output), with the
  clock fixed (time-machine, not ticking during the run): the first run is at NOW and
  each run one minute after the one before (a line may set it later: `# at ...`), so
  "today", audit timestamps, file timestamps inside workbooks and every hash that covers
  them come out the same, and events still follow each other in time. TZ=UTC,
  NO_COLOR=1, COLUMNS=100 unless the block asks for another width, stdout and stderr
  merged and unbuffered (in the order they were written), the user `demo`.
- Other shown commands (cat, head, tail, ls, stat) run as they are, in that folder;
  `echo $?` shows the exit code of the command before it.
- A zip entry made from a file (a workbook's sheet) is dated by the fixed clock, not by
  the file system's (see `_zip_entries_dated_by_the_clock`).
- Trailing spaces are stripped from every output line (Rich pads table titles).
- A block may be trimmed (`head`/`tail` lines kept, `…` between); the README says so.

Each shown command must exit as its block expects (0 unless the line ends with
`  # exit N`, which is not shown): a command that starts failing stops `make readme`
instead of becoming the documented output.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHOWN_FOLDER = "/srv/ar"
NOW = "2026-07-01T09:00:00+00:00"  # the morning after the sample practice's month end
TICK = timedelta(minutes=1)  # the clock moves on by this between two ar-cli runs
USER = "demo"
DEMO_DB = ".demo/ledger.sqlite"
WIDTH = 100
# The demo's outputs the README shows, and the width each is shown at (others: WIDTH).
DEMO_WIDTHS = {("post", "era"): 220}
# Each ar-cli run is a forked copy of this process, which imported ar-cli once
# (AR_README_FORK=0: a new interpreter each time; the same README, measured byte for byte,
# at about seven times the CPU: 106 s against 14 s for the whole tour).
FORK = os.environ.get("AR_README_FORK", "1") != "0" and hasattr(os, "fork")
# A shown line may end with a note that is not shown: `  # exit 2` (the exit code the
# README expects; else 0), `  # at 2026-11-20T05:00:00+00:00` (the clock for that run).
NOTE = re.compile(r"\s+#\s*((?:exit \d+|at \S+)(?:\s*,\s*(?:exit \d+|at \S+))*)\s*$")


def _python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


@dataclass
class Run:
    command: str
    output: str
    code: int


class Tour:
    """A temporary folder with the demo ledger in it, and the runs made there."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ar-readme-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        shutil.copytree(REPO / "sample_data", self.folder / "sample_data")
        self.last_code = 0
        self.clock = datetime.fromisoformat(NOW)
        self.demo: dict[tuple[str, ...], Run] = {}
        self._build_demo()

    # --- the demo: the Makefile's own recipe ---------------------------------------
    @staticmethod
    def demo_recipe() -> list[str]:
        """`make demo`'s command lines, as make would run them (variables expanded; the
        virtual environment not rebuilt)."""
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        done = subprocess.run(
            ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "demo"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return [line for line in done.stdout.splitlines() if line.strip()]

    def _build_demo(self) -> None:
        for line in self.demo_recipe():
            words = shlex.split(line)
            if "ar-cli" in Path(words[0]).name:
                command, allowed = line, {0}
                if line.endswith("|| test $? -eq 1"):  # the Makefile's OK1: exit 1 is fine
                    command, allowed = line[: -len("|| test $? -eq 1")].strip(), {0, 1}
                args = shlex.split(command)[1:]
                shown = _without_global_options(args)
                width = DEMO_WIDTHS.get(tuple(shown[:2]), WIDTH)
                run = self._ar_cli(args, width=width, env={})
                if run.code not in allowed:
                    raise RuntimeError(f"make demo's `{line}` exited {run.code}:\n{run.output}")
                self.demo[tuple(shown)] = run
            else:
                done = subprocess.run(["bash", "-c", line], cwd=self.folder, capture_output=True, text=True)
                if done.returncode:
                    raise RuntimeError(f"make demo's `{line}` exited {done.returncode}:\n{done.stderr}")

    # --- running one shown command --------------------------------------------------
    def _env(self, width: int, extra: dict[str, str]) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AR_", "COLUMNS", "LINES", "FORCE_COLOR", "TERM", "NO_COLOR", "TZ", "LC_", "LANG"))
        }
        env.update(
            AR_DB=DEMO_DB,
            AR_USER=USER,
            COLUMNS=str(width),
            LINES="50",
            NO_COLOR="1",
            TERM="dumb",
            TZ="UTC",
            LC_ALL="C.UTF-8",
            PYTHONUNBUFFERED="1",
            PYTHONIOENCODING="utf-8",
        )
        env.update(extra)
        return env

    def _shown(self, text: str) -> str:
        """Output as the reader sees it: the folder written /srv/ar, no trailing spaces."""
        for real in {str(self.folder), os.path.realpath(self.folder)}:
            text = text.replace(real, SHOWN_FOLDER)
        return "\n".join(line.rstrip() for line in text.splitlines())

    def _real(self, word: str) -> str:
        return word.replace(SHOWN_FOLDER, str(self.folder))

    def _ar_cli(self, args: list[str], *, width: int, env: dict[str, str]) -> Run:
        real = [self._real(a) for a in args]
        env = {"AR_README_NOW": self.clock.isoformat(), **env}
        self.clock += TICK
        if FORK:
            output, code = _forked(real, cwd=self.folder, env=self._env(width, env))
        else:
            done = subprocess.run(
                [_python(), str(Path(__file__).resolve()), "ar-cli", *real],
                cwd=self.folder,
                env=self._env(width, env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
            output, code = done.stdout, done.returncode
        return Run(shlex.join(["ar-cli", *args]), self._shown(output), code)

    def run(self, line: str, *, width: int = WIDTH, at: str | None = None) -> Run:
        """One shown command line (`VAR=value ... ar-cli ARGS`, `echo $?`, or another
        command), run in the tour's folder."""
        words = shlex.split(line)
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, value = words.pop(0).split("=", 1)
            env[name] = self._real(value)
        if words == ["echo", "$?"]:
            return Run(line, str(self.last_code), 0)
        if at:
            self.clock = datetime.fromisoformat(at)
        if words[0] == "ar-cli":
            run = self._ar_cli(words[1:], width=width, env=env)
        else:  # a shell command (cat, head, tail, ls, stat), globs and all
            done = subprocess.run(
                ["bash", "-c", self._real(line)],
                cwd=self.folder,
                env=self._env(width, env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
            )
            run = Run(line, self._shown(done.stdout), done.returncode)
        self.last_code = run.code
        return run

    # --- what the README's cog blocks call -----------------------------------------
    def console(
        self, lines: str, *, width: int = WIDTH, head: int | None = None, tail: int | None = None, demo: bool = False
    ) -> None:
        """A ```console block: each line of `lines` shown after `$ ` with its output.
        demo=True shows the output `make demo` printed for that command (it ran while
        the demo ledger was built) instead of running it again."""
        out = []
        for raw in filter(str.strip, lines.strip().splitlines()):
            note = NOTE.search(raw)
            notes = dict(part.strip().split(" ", 1) for part in note.group(1).split(",")) if note else {}
            line = NOTE.sub("", raw).strip()
            if demo and not line.startswith("echo "):
                key = tuple(shlex.split(line)[1:])
                if key not in self.demo:
                    raise KeyError(f"make demo runs no `{line}`; it runs: {sorted(' '.join(k) for k in self.demo)}")
                run = self.demo[key]
                self.last_code = run.code
            else:
                run = self.run(line, width=width, at=notes.get("at"))
            want = int(notes.get("exit", 0))
            if run.code != want and not line.startswith("echo "):
                raise RuntimeError(f"`{line}` exited {run.code}, the README expects {want}:\n{run.output}")
            out.append(f"$ {line}")
            out.extend(_trimmed(run.output.splitlines(), head, tail))
        _emit("```console\n" + "\n".join(out) + "\n```\n")

    def write(self, name: str) -> None:
        """An input file the tour uses (INPUTS below), written into its folder."""
        (self.folder / name).write_text(INPUTS[name](), encoding="utf-8")

    def tamper(self, name: str) -> None:
        """A copy of the tour's ledger with June closed, then changed behind ar-cli's back
        with sqlite3 (what the README's `audit verify` paragraph describes): a charge
        raised by $10 with its cached balance and aging-summary row; a $10 payment
        inserted under an ERA's event, balance and summary moved to match (no row hash:
        written around the chain); a payment posted on 2026-07-01 moved into June."""
        self.copy_ledger(name)
        db = f"AR_DB={name}"
        self.quiet(f"{db} ar-cli period close 2026-06 --output tampered-close-packs")
        self.quiet(
            f"{db} ar-cli post payment CLM100147 --payer MCR01 --amount 10.00 --method check "
            "--reference 771300 --date 2026-06-29 --posting-date 2026-07-01"
        )
        july = self.sql(name, ("SELECT max(id) FROM ledger_entry WHERE kind = 'payment'", ()))[0][0]
        entry, claim, resp, service, billed, owner = self.sql(
            name,
            (
                "SELECT e.id, e.claim_id, e.responsibility, c.first_service_date, c.billed_date, "
                "COALESCE(cv.payer_id, 0) FROM ledger_entry e JOIN claim c ON c.id = e.claim_id "
                "JOIN claim_balance b ON b.claim_id = e.claim_id AND b.responsibility = e.responsibility "
                "LEFT JOIN coverage cv ON cv.claim_id = e.claim_id AND cv.rank = e.responsibility "
                "WHERE e.kind = 'charge' AND e.responsibility > 0 AND b.balance > 1000 ORDER BY e.id LIMIT 1",
                (),
            ),
        )[0]

        def move(cents: int) -> list[tuple[str, tuple]]:
            return [
                (
                    "UPDATE claim_balance SET balance = balance + ? WHERE claim_id = ? AND responsibility = ?",
                    (cents, claim, resp),
                ),
                (
                    "UPDATE open_balance_summary SET amount = amount + ? WHERE owner_key = ? AND service_date = ? "
                    "AND billed_date = ? AND sign = 1",
                    (cents, owner, service, billed),
                ),
            ]

        era_payment = self.sql(
            name, ("SELECT min(id) FROM ledger_entry WHERE kind = 'payment' AND remittance_id IS NOT NULL", ())
        )[0][0]
        # ledger_entry is a view of posting + posting_entry (revision 0010): the forged
        # payment goes in under its ERA payment's posting; the July payment is moved onto
        # a copy of its posting dated in June, numbered below every posting (as the
        # postings 0010 made from older rows are), so what is named is the entry itself.
        columns = [row[1] for row in self.sql(name, ("PRAGMA table_info(posting_entry)", ())) if row[1] not in ("id",)]
        forged = {
            "claim_id": "?",
            "responsibility": "?",
            "amount": "-1000",
            "line_id": "NULL",
            "reverses_id": "NULL",
            "transfer_group": "NULL",
            "row_hash": "NULL",
        }
        picked = ", ".join(forged.get(c, c) for c in columns)
        shared = "posting_date, effective_date, payer_id, source_file_id, remittance_id, source_ref, audit_event_id, "
        shared += "created_by"
        self.sql(
            name,
            ("UPDATE posting_entry SET amount = amount + 1000 WHERE id = ?", (entry,)),
            *move(1000),
            (
                f"INSERT INTO posting_entry ({', '.join(columns)}) SELECT {picked} FROM posting_entry WHERE id = ?",
                (claim, resp, era_payment),
            ),
            *move(-1000),
            (
                f"INSERT INTO posting (id, {shared}) SELECT (SELECT min(id) - 1 FROM posting), "
                f"{shared.replace('posting_date', chr(39) + '2026-06-15' + chr(39), 1)} FROM posting "
                "WHERE id = (SELECT posting_id FROM posting_entry WHERE id = ?)",
                (july,),
            ),
            ("UPDATE posting_entry SET posting_id = (SELECT min(id) FROM posting) WHERE id = ?", (july,)),
        )

    def copy_ledger(self, name: str) -> Path:
        """A copy of the tour's ledger (SQLite's backup: whole, whatever its WAL holds)."""
        target = self.folder / name
        source = sqlite3.connect(self.folder / DEMO_DB)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
        return target

    def sql(self, name: str, *statements: tuple[str, tuple]) -> list:
        """SQL run on a ledger file behind ar-cli's back, as someone with the file would."""
        conn = sqlite3.connect(self.folder / name)
        try:
            rows: list = []
            for statement, params in statements:
                cursor = conn.execute(statement, params)
                rows = cursor.fetchall() if cursor.description else []
            conn.commit()
            return rows
        finally:
            conn.close()

    def quiet(self, line: str, *, expect: int = 0) -> None:
        """A step the README describes in words rather than shows."""
        run = self.run(line)
        if run.code != expect:
            raise RuntimeError(f"`{line}` exited {run.code}, expected {expect}:\n{run.output}")


def _bad_claims() -> str:
    """Four bad rows' worth of problems, on three rows (a claim number of 81 characters)."""
    return (
        "\n".join(
            [
                "claim_number,patient_account,patient_name,patient_dob,payer_id,payer_name,service_date,billed_date,"
                "procedure_code,modifiers,units,charge",
                'CLM900001,PT90001,"Doe, Jane",1970-01-01,ACM01,Acme Health Plan,2026-02-30,2026-03-02,99213,,1,abc',
                'CLM900002,PT90002,"Doe, John",01/02/1970,ACM01,Acme Health Plan,2026-03-01,2026-03-02,99213,,1,145.00',
                f'{"CLM" + "9" * 78},PT90003,"Doe, Jo",1970-01-03,ACM01,Acme Health Plan,2026-03-01,2026-03-02,99213,,1,'
                "145.00",
            ]
        )
        + "\n"
    )


def _corrected_claims() -> str:
    """The sample export's three lines of CLM100024, its first line's charge $10 higher."""
    import csv
    import io

    with open(REPO / "sample_data" / "claims.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if row["claim_number"] == "CLM100024"]
        names = reader.fieldnames
    rows[0]["charge"] = f"{float(rows[0]['charge']) + 10:.2f}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


INPUTS = {
    "bad.csv": _bad_claims,
    "corrected.csv": _corrected_claims,
    "deposit-2026-06-29.csv": lambda: (
        "\n".join(
            [
                "claim_number,amount,payer,method,reference,date,line,adjustments",
                "CLM100294,40.00,MCR01,check,20418,2026-06-26,,CO-45=12.00;PR-2=8.00",
                "CLM100102,90.00,ACM01,eft,TRN883012,2026-06-27,,CO-45=30.00",
                "CLM100124,8.28,,card,R-5521,2026-06-29,,",
            ]
        )
        + "\n"
    ),
    # The next charge export: the claim an Acme ERA paid before the practice had sent it.
    "charges-2026-07-01.csv": lambda: (
        "\n".join(
            [
                "claim_number,patient_account,patient_name,patient_dob,payer_id,payer_name,service_date,billed_date,"
                "procedure_code,modifiers,units,charge,member_id,secondary_payer_id,secondary_payer_name,"
                "secondary_member_id,line_control_number",
                'CLM200417,PT20417,"Latecomer, Lee",1980-01-01,ACM01,Acme Health Plan,2026-04-20,2026-04-22,99214,,1,'
                "210.00,AHP26041515878,,,,CLM200417-1",
            ]
        )
        + "\n"
    ),
}


def _without_global_options(args: list[str]) -> list[str]:
    """ar-cli's arguments without the options before the command (--db X, --user X)."""
    out = list(args)
    while out and out[0] in ("--db", "--user"):
        del out[:2]
    return out


def _trimmed(lines: list[str], head: int | None, tail: int | None) -> list[str]:
    if head is None and tail is None:
        return lines
    keep_head, keep_tail = head or 0, tail or 0
    if keep_head + keep_tail >= len(lines):
        return lines
    return [*lines[:keep_head], "…", *(lines[len(lines) - keep_tail :] if keep_tail else [])]


def _emit(text: str) -> None:
    import cog  # provided by cogapp while it runs a block

    cog.out(text)


def _run_ar_cli(args: list[str]) -> None:
    """ar-cli itself (the console script's entry point), with the clock at AR_README_NOW."""
    import time_machine

    time_machine.travel(datetime.fromisoformat(os.environ.get("AR_README_NOW", NOW)), tick=False).start()
    _zip_entries_dated_by_the_clock()
    from ar_cli.cli.main import run

    sys.argv = ["ar-cli", *args]
    run()


def _zip_entries_dated_by_the_clock() -> None:
    """time-machine fixes the clock Python reads, not the file system's: a zip entry made
    from a file (openpyxl's write-only sheets go through a temporary file) would take that
    file's real modification time, and a workbook's bytes (and the SHA-256 an export
    records in its audit event, and every hash chained after it) would change from run to
    run. In these runs such an entry is dated by the fixed clock, as every other entry of
    the workbook already is."""
    import time
    import zipfile

    made_from = zipfile.ZipInfo.from_file.__func__

    def from_file(cls, filename, arcname=None, *, strict_timestamps=True):
        info = made_from(cls, filename, arcname, strict_timestamps=strict_timestamps)
        info.date_time = time.localtime()[:6]
        return info

    zipfile.ZipInfo.from_file = classmethod(from_file)


_WARM = False


def _warm() -> None:
    """Import once, in the process that forks the runs, what every ar-cli run imports
    (each run is then a forked copy: its own process, its own ledger connection, its own
    consoles, none made before the fork; only the import time is saved)."""
    global _WARM
    if _WARM:
        return
    import importlib
    import pkgutil

    import time_machine  # noqa: F401

    import ar_cli

    for module in pkgutil.walk_packages(ar_cli.__path__, "ar_cli."):
        if not module.name.startswith(("ar_cli.tui", "ar_cli.cli.work")):  # the terminal app: not run here
            importlib.import_module(module.name)
    for name in (
        "sqlalchemy",
        "sqlmodel",
        "alembic.command",
        "alembic.config",
        "alembic.script",
        "alembic.runtime.migration",
        "rich.console",
        "rich.table",
        "openpyxl",
        "pandas",
        "ar_cli.store.database",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    _WARM = True


def _forked(args: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[str, int]:
    """One ar-cli run in a forked child: stdin /dev/null, stdout and stderr one pipe
    (unbuffered, in the order written), the child's own folder, environment and clock."""
    _warm()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 70
        try:
            os.close(read_end)
            os.dup2(write_end, 1)
            os.dup2(write_end, 2)
            os.close(write_end)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            import io
            import time

            time.tzset()
            sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True)
            try:
                _run_ar_cli(args)
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
                if not isinstance(done.code, (int, type(None))):
                    sys.stderr.write(f"{done.code}\n")
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8"), os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    if sys.argv[1:2] == ["ar-cli"]:
        _run_ar_cli(sys.argv[2:])
    else:
        sys.exit("usage: python docs/readme_runs.py ar-cli ARGS  (README.md's cog blocks use the rest)")
