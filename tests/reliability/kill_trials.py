"""`claims import` and `post era` killed with SIGKILL at a random moment, as a power cut
or an OOM kill would: real processes, then the checks a user would make.

After each kill: no file is half in the ledger (every charge file and every remittance
file is either wholly there, entry for entry as an uninterrupted run leaves it, or not
at all), `audit verify` is clean, and running the same command again leaves the ledger
exactly as one uninterrupted run does (each cent once). The moment is uniform over the
command's measured duration (start-up included), so some trials kill it while Python
starts, most while it reads or writes, a few after it has finished.

`python -m reliability.kill_trials --trials 50 --seed 1` runs the long version.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reliability.ledgers import (
    POSTING,
    REPO,
    SAMPLE,
    LedgerCopies,
    import_sample_claims,
    new_pg_name,
    pg_create,
    pg_drop,
    run_cli,
    sql_url,
    verify_clean,
)

ERAS = SAMPLE / "eras"
COMMANDS = {
    "claims import": ["claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", POSTING],
    "post era": ["post", "era", str(ERAS), "--posting-date", POSTING],
}
_ENTRY_COLUMNS = ("c.claim_number", "e.line_id", "e.responsibility", "e.kind", "e.amount", "e.source_ref")


@dataclass
class Figures:
    trials: int = 0
    killed: int = 0  # trials where the process was still running when killed
    finished_first: int = 0  # trials where it had already finished
    partial: int = 0  # a file found half in the ledger after the kill
    verify_failed: int = 0
    rerun_differs: int = 0  # the re-run's ledger is not the uninterrupted run's
    rerun_exit: Counter = field(default_factory=Counter)
    by: Counter = field(default_factory=Counter)  # (database, command) → trials
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return self.partial + self.verify_failed + self.rerun_differs

    def line(self) -> str:
        kinds = ", ".join(f"{db} {cmd}: {n}" for (db, cmd), n in sorted(self.by.items()))
        return (
            f"kill trials: {self.trials} in {self.seconds:.0f} s ({kinds}); killed mid-run {self.killed}, "
            f"finished before the kill {self.finished_first}; partial files {self.partial}; audit verify "
            f"not clean {self.verify_failed}; re-runs that differ from one clean run {self.rerun_differs}"
        )


def entries_by_file(db: str) -> dict[str, Counter]:
    """Per source file name: its ledger entries, as a multiset of what they say."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sql_url(db))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    f"SELECT f.name, {', '.join(_ENTRY_COLUMNS)} FROM ledger_entry e "
                    "JOIN source_file f ON f.id = e.source_file_id JOIN claim c ON c.id = e.claim_id"
                )
            ).all()
            files = [name for (name,) in conn.execute(text("SELECT name FROM source_file"))]
    finally:
        engine.dispose()
    found: dict[str, Counter] = {name: Counter() for name in files}
    for name, *entry in rows:
        found[name][tuple(entry)] += 1
    return found


def ledger_state(db: str) -> tuple:
    """What one uninterrupted run decides: every entry (without ids and times), every
    balance, the exceptions and unapplied money."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sql_url(db))
    try:
        with engine.connect() as conn:
            q = lambda sql: Counter(map(tuple, conn.execute(text(sql)).all()))  # noqa: E731
            return (
                q(f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM ledger_entry e JOIN claim c ON c.id = e.claim_id"),
                q(
                    "SELECT c.claim_number, b.responsibility, b.balance FROM claim_balance b "
                    "JOIN claim c ON c.id = b.claim_id"
                ),
                q("SELECT kind, status, claim_number, amount FROM exception_record"),
                q("SELECT reason, amount, source_ref FROM unapplied_entry"),
                q("SELECT trace_number, status, amount FROM remittance"),
            )
    finally:
        engine.dispose()


class _Ledgers:
    """Fresh ledgers for one database kind: empty ones (for claims import) and ones
    holding the sample claims (for post era)."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind, self.workdir = kind, workdir
        self.with_claims = LedgerCopies(kind, workdir / kind)
        (workdir / kind).mkdir(parents=True, exist_ok=True)
        self.with_claims.build(import_sample_claims)
        self._empty: list[str] = []
        self._count = 0

    def fresh(self, command: str) -> str:
        self._count += 1
        if command == "post era":
            return self.with_claims.copy(f"t{self._count}")
        if self.kind == "sqlite":
            path = self.workdir / self.kind / f"empty{self._count}.sqlite"
            return str(path)  # created by the command itself: a kill may land in its creation
        name = new_pg_name("kill")
        self._empty.append(name)
        url = pg_create(name)
        result = run_cli(url, "db", "upgrade")
        assert result.exit_code == 0, result.output
        return url

    def close(self) -> None:
        self.with_claims.close()
        for name in self._empty:
            pg_drop(name)


def _command(db: str, args: list[str]) -> list[str]:
    return [sys.executable, "-c", "from ar_cli.cli.main import run; run()", "--db", db, "--user", "killer", *args]


def _exists(db: str) -> bool:
    return "://" in db or Path(db).exists()


def run(kinds: list[str], *, trials: int, seed: int, workdir: Path, log=None) -> Figures:
    figures = Figures()
    rng = random.Random(seed)
    started = time.monotonic()
    ledgers: dict[str, _Ledgers] = {}
    try:
        for kind in kinds:
            ledgers[kind] = _Ledgers(kind, workdir)
        # What an uninterrupted run leaves, and how long it takes as a process.
        reference, duration = {}, {}
        for kind in kinds:
            for name, args in COMMANDS.items():
                db = ledgers[kind].fresh(name)
                t0 = time.monotonic()
                done = subprocess.run(_command(db, args), cwd=REPO, capture_output=True, text=True)
                duration[kind, name] = time.monotonic() - t0
                assert done.returncode in (0, 1), done.stderr
                reference[kind, name] = (entries_by_file(db), ledger_state(db))
        for trial in range(trials):
            kind = kinds[trial % len(kinds)]
            name = list(COMMANDS)[(trial // len(kinds)) % len(COMMANDS)]
            figures.trials += 1
            figures.by[kind, name] += 1
            db = ledgers[kind].fresh(name)
            delay = rng.uniform(0, duration[kind, name] * 1.05)
            proc = subprocess.Popen(
                _command(db, COMMANDS[name]), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                figures.killed += 1
            else:
                figures.finished_first += 1
            proc.wait()
            problems = _check(db, name, reference[kind, name])
            for problem in problems:
                figures.failures.append(
                    f"{kind} {name} trial {trial} (seed {seed}, killed at {delay:.2f} s): {problem}"
                )
                if log:
                    log(figures.failures[-1])
            figures.partial += any(p.startswith("partial") for p in problems)
            figures.verify_failed += any(p.startswith("audit verify") for p in problems)
            figures.rerun_differs += any(p.startswith("re-run") for p in problems)
            rerun = problems and [p for p in problems if p.startswith("re-run exit")]
            figures.rerun_exit["ok" if not rerun else "bad"] += 1
    finally:
        figures.seconds = time.monotonic() - started
        for ledgers_of_kind in ledgers.values():
            ledgers_of_kind.close()
    return figures


def _check(db: str, name: str, reference: tuple) -> list[str]:
    ref_files, ref_state = reference
    problems = []
    if _exists(db) and _has_schema(db):
        for file, entries in entries_by_file(db).items():
            if entries != ref_files.get(file, Counter()):
                problems.append(
                    f"partial: {file}: {sum(entries.values())} entries, an uninterrupted run "
                    f"writes {sum(ref_files.get(file, Counter()).values())}"
                )
        ok, detail = verify_clean(db)
        if not ok:
            problems.append(f"audit verify after the kill: {detail}")
    again = run_cli(db, *COMMANDS[name], user="killer")
    if again.exit_code not in (0, 1):
        problems.append(f"re-run exit {again.exit_code}: {again.stderr.strip()[-300:]}")
    elif ledger_state(db) != ref_state:
        problems.append("re-run: the ledger differs from one uninterrupted run's")
    ok, detail = verify_clean(db)
    if not ok:
        problems.append(f"audit verify after the re-run: {detail}")
    return problems


def _has_schema(db: str) -> bool:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(sql_url(db))
    try:
        with engine.connect() as conn:
            return inspect(conn).has_table("ledger_entry")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    import tempfile

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory(prefix="ar-kill-") as tmp:
        figures = run(kinds, trials=args.trials, seed=args.seed, workdir=Path(tmp), log=print)
    print(figures.line())
    return 1 if figures.bad else 0


if __name__ == "__main__":
    sys.exit(main())
