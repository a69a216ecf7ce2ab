"""`ar-cli queue --limit 50` over a SQLite ledger of 1,000,000 open claims, end to end.

Target (issue 6): under 1.5 s median, process start included. On a SQLite file at the
schema head the queue is read read-only with the standard library's sqlite3
(reports/queue/from_file.py, store/read_only.py): no SQLAlchemy or table models to import.
The timed processes run without PYTHONDONTWRITEBYTECODE (as bench_aging.py's ENV): with
it set every run would compile ar-cli and its libraries again.

The ledger is benchmarks/bench_aging.py's (1,000,000 open claims, about 4.9 million
entries, built with its `build`), plus the work a team leaves on it: 20,000 open
denials on primary balances (categories and appeal deadlines spread over the coming
and past months) with the claim payments that opened them, 5,000 notes and 5,000
open follow-ups (half of them in the future).
Claims with a denial are `denied`, as posting leaves them. The file is kept between
runs with `--db PATH` (built when absent; a kept file is upgraded to the current schema
first, and the work added once). The work is written into the file: give a copy of
bench_aging.py's ledger, not the file that benchmark keeps.

    .venv/bin/python benchmarks/bench_queue.py [--claims N] [--runs N] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_aging import CREATED, ENV, build

TODAY = date.today()
CATEGORIES = [
    "missing_info",
    "coding",
    "eligibility",
    "authorization",
    "medical_necessity",
    "bundling",
    "duplicate",
    "timely_filing",
    "other",
]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and the child's CPU seconds (user + system): on a shared machine
    the wall clock also counts the time spent waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def add_denial_payments(path: Path) -> None:
    """The claim payments that opened the denials (status 4, paid 0), one remittance per
    payer and day, as ERA posting leaves them (once): without them the queue would read
    each denying payer as never having answered (store/payer_answers.py)."""
    con = sqlite3.connect(path, isolation_level=None)
    if con.execute("SELECT count(*) FROM claim_payment").fetchone()[0]:
        con.close()
        return
    denials = con.execute(
        "SELECT d.id, d.claim_id, d.payer_id, d.denied_on, d.amount, c.claim_number "
        "FROM denial d JOIN claim c ON c.id = d.claim_id ORDER BY d.id"
    ).fetchall()
    con.execute("BEGIN")
    remittances: dict[tuple[int, str], int] = {}
    payments, links = [], []
    for n, (denial_id, claim_id, payer_id, day, amount, number) in enumerate(denials, 1):
        key = (payer_id, day)
        if key not in remittances:
            remittances[key] = len(remittances) + 1
            con.execute(
                "INSERT INTO remittance (id, payer_id, payer_trace_id, trace_number, payment_date_text, "
                "amount, method, payment_date, effective_date, posting_date, digest, status, difference, "
                "segment, created_at) VALUES (?, ?, ?, ?, ?, 0, 'NON', ?, ?, ?, '', 'posted', 0, 1, ?)",
                (
                    remittances[key],
                    payer_id,
                    f"1BENCH{payer_id}",
                    f"T{remittances[key]}",
                    day.replace("-", ""),
                    day,
                    day,
                    day,
                    CREATED,
                ),
            )
        payments.append((n, remittances[key], claim_id, payer_id, number, f"PCN{n}", "4", 1, amount, 0, 0, "", 1))
        links.append((n, denial_id))
    con.executemany(
        "INSERT INTO claim_payment (id, remittance_id, claim_id, payer_id, claim_number, "
        "payer_claim_number, status_code, responsibility, charge, paid, patient_responsibility, "
        "amounts, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        payments,
    )
    con.executemany(
        "UPDATE denial SET claim_payment_id = ?, remittance_id = "
        "(SELECT remittance_id FROM claim_payment WHERE id = ?) WHERE id = ?",
        [(n, n, d) for n, d in links],
    )
    con.execute("COMMIT")
    con.close()


def add_work(path: Path, seed: int = 7) -> None:
    """Denials, notes and follow-ups on top of the aging ledger (once)."""
    con = sqlite3.connect(path, isolation_level=None)
    if con.execute("SELECT count(*) FROM denial").fetchone()[0]:
        con.close()
        return
    rng = random.Random(seed)
    claims = con.execute("SELECT count(*) FROM claim").fetchone()[0]
    con.execute("BEGIN")
    denials = []
    for n, claim_id in enumerate(rng.sample(range(1, claims + 1), min(20_000, claims)), 1):
        payer_id, service = con.execute(
            "SELECT cov.payer_id, c.first_service_date FROM claim c JOIN coverage cov ON cov.claim_id = c.id "
            "AND cov.rank = 1 WHERE c.id = ?",
            (claim_id,),
        ).fetchone()
        denied = max(date.fromisoformat(service) + timedelta(days=20), TODAY - timedelta(days=200))
        deadline = denied + timedelta(days=rng.choice((90, 120, 180)))
        denials.append(
            (
                n,
                claim_id,
                payer_id,
                "CO",
                rng.choice(("16", "197", "50", "97", "18", "29")),
                rng.choice(CATEGORIES),
                5000,
                denied.isoformat(),
                deadline.isoformat(),
                CREATED,
            )
        )
    con.executemany(
        "INSERT INTO denial (id, claim_id, responsibility, payer_id, adjustment_group, reason_code, "
        "remark_codes, category, amount, status, level, denied_on, appeal_deadline, resolution, "
        "created_at, overturned_amount) VALUES (?, ?, 1, ?, ?, ?, '', ?, ?, 'open', 0, ?, ?, '', ?, 0)",
        denials,
    )
    # A claim with an open denial is `denied` (its status is derived, never set by hand).
    con.executemany("UPDATE claim SET status = 'denied' WHERE id = ?", [(row[1],) for row in denials])
    con.executemany(
        "INSERT INTO note (claim_id, text, created_at, created_by) VALUES (?, ?, ?, 'bench')",
        [(rng.randrange(1, claims + 1), "called the payer", CREATED) for _ in range(5_000)],
    )
    con.executemany(
        "INSERT INTO follow_up (claim_id, due_on, action, status, created_at, created_by) "
        "VALUES (?, ?, 'call payer', 'open', ?, 'bench')",
        [
            (rng.randrange(1, claims + 1), (TODAY + timedelta(days=rng.randint(-30, 30))).isoformat(), CREATED)
            for _ in range(5_000)
        ],
    )
    con.execute("COMMIT")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="Keep the ledger here (built when absent).")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ar-cli")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "queue_bench.sqlite"
        if not db.exists():
            start = time.perf_counter()
            build(db, args.claims)
            print(f"built {db} ({args.claims:,} claims) in {time.perf_counter() - start:.1f} s")
        else:
            subprocess.run([exe, "--db", str(db), "db", "upgrade"], check=True, stdout=subprocess.DEVNULL, env=ENV)
        add_work(db)
        add_denial_payments(db)
        con = sqlite3.connect(db)
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("claim", "ledger_entry", "claim_balance", "denial", "claim_payment", "note", "follow_up")
        }
        con.close()
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        cases = [
            ("ar-cli --help (process start, for scale)", ["--help"], None),
            ("queue --limit 50", ["queue", "--limit", "50"], 1.5),
            ("queue --limit 50 --format json", ["queue", "--limit", "50", "--format", "json"], None),
            ("queue --limit 50 --payer ACM01", ["queue", "--limit", "50", "--payer", "ACM01"], None),
            (
                "queue --limit 50 --category missing_info",
                ["queue", "--limit", "50", "--category", "missing_info"],
                None,
            ),
        ]
        for label, extra, target in cases:
            cmd = [exe, "--db", str(db), *extra] if extra != ["--help"] else [exe, "--help"]
            timed(cmd)  # warm the OS page cache
            runs = [timed(cmd) for _ in range(args.runs)]
            times, cpu = [w for w, _ in runs], [c for _, c in runs]
            verdict = (
                ""
                if target is None
                else f"  target < {target:g} s: {'MET' if statistics.median(times) < target else 'MISSED'}"
            )
            print(
                f"{label:<45} median {statistics.median(times):6.2f} s, CPU {statistics.median(cpu):5.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}){verdict}"
            )


if __name__ == "__main__":
    main()
