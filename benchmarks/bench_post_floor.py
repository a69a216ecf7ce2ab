"""What posting a large 835 costs before any posting decision is made: the floor under
`bench_post_era.py`'s figure, measured part by part on the same files.

Issue 3 set its target (5 s for 100,000 claims, scaled here by pyx12's reader) at about
twice "a bare tokenize-and-bulk-insert". Posting must do more than a bare insert: read
the claims and balances it posts onto, and write the ledger's own records (entries,
claim payments, denials, balances) with their indexes, foreign keys and audit digest.
This script times each of those alone, with the production code, in child processes:

- reader: `read_835` over the file (no database);
- reads: the batch reads posting makes (claims with lines and coverages, balances, line
  balances, denial counts, overturnable denials) for every claim, 1,000 at a time;
- writes: the rows one `post era` run wrote (taken from a posted copy) written again
  into a fresh copy of the imported ledger through ChangeRecorder.insert_tuples and the
  balance upsert, digested and committed as posting does.

Their sum is what any posting design of these records pays on this machine; the rest of
`post era` is planning (matching, the treatment table, denials, checks) and summary.

    .venv/bin/python benchmarks/bench_post_era.py --keep /tmp/pb   # makes the files
    .venv/bin/python benchmarks/bench_post_floor.py /tmp/pb [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

_WRITTEN_TABLES = ("source_file", "remittance", "ledger_entry", "claim_payment", "denial")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", help="bench_post_era.py --keep's folder (remit.835, template.sqlite)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(args.folder)
    remit, template = folder / "remit.835", folder / "template.sqlite"
    exe = str(Path(sys.executable).parent / "ar-cli")
    posted = folder / "posted.sqlite"
    _fresh_copy(template, posted)
    subprocess.run(
        [exe, "--db", str(posted), "post", "era", str(remit), "--posting-date", "2026-06-30"], stdout=subprocess.DEVNULL
    )
    figures = {}
    # The reader's figure is its whole process (Python's start included, once); the
    # reads and writes are timed inside their process, around the work itself.
    for part, command in (
        ("reader", [sys.executable, "-c", _READER, str(remit)]),
        ("reads", [sys.executable, __file__, "--reads", str(template)]),
        ("writes", [sys.executable, __file__, "--writes", str(template), str(posted), str(folder / "w.sqlite")]),
    ):
        cpus, detail = [], ""
        for _ in range(args.runs):
            whole, said = _cpu(command)
            if said:
                first, _, detail = said.partition(" ")
                cpus.append(float(first))
            else:
                cpus.append(whole)
        figures[part] = statistics.median(cpus)
        print(f"  {part:7} {figures[part]:6.2f} s CPU (runs {', '.join(f'{c:.2f}' for c in cpus)}) {detail}")
    total = sum(figures.values())
    print(
        f"floor of posting this file (reader + reads + writes, no planning): {total:.2f} s CPU; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for name in ("posted.sqlite", "w.sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(folder / (name + suffix)).unlink(missing_ok=True)


def _fresh_copy(template: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(template, target)


def _cpu(command: list[str]) -> tuple[float, str]:
    """CPU seconds (user + system) of a child process, and what it printed of itself."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.stdout.strip()


_READER = "import sys\nfrom ar_cli.x12.remittance_835 import read_835\nfor _ in read_835(sys.argv[1]):\n    pass\n"


def _ledger(path: str):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    return Ledger(resolve_location(path)).open()


def reads(template: str) -> None:
    """Every batch read posting makes, for every claim of the ledger."""
    from ar_cli.store import claims_repo, denials_repo, remittances_repo

    with sqlite3.connect(template) as con:
        numbers = [n for (n,) in con.execute("SELECT claim_number FROM claim ORDER BY id")]
        payer_id = con.execute("SELECT min(id) FROM payer").fetchone()[0]
    began = time.process_time()
    with _ledger(template).read() as session:
        for start in range(0, len(numbers), 1000):
            claims = claims_repo.claims_by_number(session, numbers[start : start + 1000])
            ids = [c.id for c in claims.values()]
            remittances_repo.balances_by_claim(session, ids)
            remittances_repo.line_balances(session, ids)
            denials_repo.denial_counts(session, ids)
            denials_repo.overturnable(session, ids, payer_id)
    print(f"{time.process_time() - began:.2f}")


def writes(template: str, posted: str, target: str) -> None:
    """The rows a posting wrote, written again onto the imported ledger as posting
    writes them (5,000 rows a statement batch, as insert_tuples takes them)."""
    from datetime import UTC, datetime

    from ar_cli.store.audit.chain import ChangeRecorder
    from ar_cli.store.audit.rows import COVERED, columns
    from ar_cli.store.claims_repo import _UPSERT_BALANCE
    from ar_cli.store.sql import sql_of
    from ar_cli.store.tables import ClaimPaymentRow, DenialRow, LedgerEntryRow, RemittanceRow, SourceFileRow

    models = dict(zip(_WRITTEN_TABLES, (SourceFileRow, RemittanceRow, LedgerEntryRow, ClaimPaymentRow, DenialRow)))
    with sqlite3.connect(template) as before, sqlite3.connect(posted) as after:
        rows = {}
        for table in _WRITTEN_TABLES:
            first = before.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
            # Money rows are given as the audit chain hashes them (every column but id and
            # row_hash, sorted; ledger_entry read whole through its view); others whole but id.
            if table in COVERED:
                keys = list(columns(table))
            else:
                keys = [c for (_, c, *_) in after.execute(f'PRAGMA table_info("{table}")') if c != "id"]
            listed = ", ".join(f'"{k}"' for k in keys)
            rows[table] = (
                keys,
                after.execute(f'SELECT {listed} FROM "{table}" WHERE id > ? ORDER BY id', (first,)).fetchall(),
            )
        balances = after.execute("SELECT claim_id, responsibility, balance FROM claim_balance").fetchall()
        olds = {(c, r): b for c, r, b in before.execute("SELECT claim_id, responsibility, balance FROM claim_balance")}
    deltas = [
        {"claim_id": c, "responsibility": r, "balance": b - olds.get((c, r), 0), "since": "2026-06-30"}
        for c, r, b in balances
        if b != olds.get((c, r), 0)
    ]
    _fresh_copy(Path(template), Path(target))
    start = time.process_time()
    with _ledger(target).write() as session:
        rec = ChangeRecorder(session, actor="bench", now=datetime.now(UTC))
        parts = []
        for table in _WRITTEN_TABLES:
            keys, table_rows = rows[table]
            began = time.process_time()
            for at in range(0, len(table_rows), 5000):
                rec.insert_tuples(models[table], keys, table_rows[at : at + 5000])
            parts.append(f"{table} {len(table_rows):,} rows {time.process_time() - began:.2f} s")
        began = time.process_time()
        for at in range(0, len(deltas), 1000):
            sql_of(session).executemany(_UPSERT_BALANCE, deltas[at : at + 1000])
        parts.append(f"claim_balance {len(deltas):,} upserts {time.process_time() - began:.2f} s")
        rec.finish(action="bench.writes")
        began = time.process_time()
    parts.append(f"commit {time.process_time() - began:.2f} s")
    print(f"{time.process_time() - start:.2f} ({'; '.join(parts)})")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reads":
        reads(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "--writes":
        writes(*sys.argv[2:])
    else:
        main()
