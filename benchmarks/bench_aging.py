"""`ar-cli aging` over a SQLite ledger of 1,000,000 open claims, end to end.

Targets (issue 4): as of today under 1.5 s median, process start included; as of a
past month-end (summing the entries posted on or before it) under 10 s median.

What each case exercises: `--help` is bare start-up (only the top-level group is built);
`aging` as of today (and by financial class, billed) reads the open-balance summary with
the standard library's sqlite3 and imports no SQLAlchemy (reports/aging/today.py);
`--payer` reads the same summary through SQLAlchemy, the path PostgreSQL takes, so the
two show what the start-up costs; `--min-balance` reads every cached balance, and the
month-end sums the entries posted after it.

The ledger is built quickly, not through `claims import` (that would take minutes): the
schema comes from ar-cli's own migrations (`ar-cli db init`), then every row goes in
with `sqlite3.executemany` in one transaction, consistent with that schema and with the
ledger's invariants:

* 12 payers across the financial classes, 100,000 patients;
* 1,000,000 claims, dates of service spread over the year to today, billed 1–5 days
  later; a primary coverage on each, a secondary on a quarter of them;
* 1–3 lines per claim, each with its charge entry (posted on the billed date, owed by
  the primary coverage);
* claims billed 14 or more days ago are mostly processed by the primary
  payer 14–45 days after billing: a payment and a contractual adjustment on the
  primary, and the rest moved by a transfer (two linked entries) to the secondary
  coverage or to the patient; a few patients then overpay (a credit balance);
* `claim_balance` holds, per claim and responsibility, exactly the sum of its entries,
  with `responsible_since` (billed date, or the transfer's date) and the primary's
  `last_payment_date`; `open_balance_summary` their sums per owner and dates, as
  posting keeps it.

Every claim keeps money owed by someone: 1,000,000 open claims, about 4.9 million
ledger entries. Named indexes are dropped during the load and re-created from their own
SQL, so the schema is exactly the migrated one; there is no ANALYZE, as in a real
ledger. Audit events are not written: aging never reads them. The file is kept between
runs with `--db PATH` (built when absent, upgraded with `ar-cli db upgrade` when the
schema moved on).

    .venv/bin/python benchmarks/bench_aging.py [--claims N] [--runs N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TODAY = date.today()
# The past month-end: the last day of the month before this one.
PAST = (TODAY.replace(day=1) - timedelta(days=1)).isoformat()
PAYERS = [  # code, name, financial class
    ("MCR01", "Medicare Part B", "medicare"),
    ("MCR02", "Medicare Railroad", "medicare"),
    ("MCD01", "State Medicaid Program", "medicaid"),
    ("MCD02", "Medicaid Managed Care", "medicaid"),
    ("ACM01", "Acme Health Plan", "commercial"),
    ("BFS01", "Bluefinch Shield Plan", "commercial"),
    ("CRC01", "Crestvale Care Network", "commercial"),
    ("UHP01", "Uniterra Health Partners", "commercial"),
    ("NWL01", "Northwell Mutual", "commercial"),
    ("MGAP1", "Brightwater Medigap Supplement", "other"),
    ("WCP01", "Workers Comp Partners", "other"),
    ("TRI01", "Tricare East", "other"),
]
CODES = [("99213", 14500), ("99214", 21000), ("36415", 2500), ("80053", 4800), ("93000", 6500)]
NPIS = ["1527364818", "1782936458", "1394726586", "1215678907"]
CREATED = f"{TODAY.isoformat()} 12:00:00.000000"


def build(path: Path, claims: int, seed: int = 11) -> None:
    exe = str(Path(sys.executable).parent / "ar-cli")
    subprocess.run([exe, "--db", str(path), "db", "init"], check=True, stdout=subprocess.DEVNULL)
    rng = random.Random(seed)
    con = sqlite3.connect(path, isolation_level=None)
    # A throw-away file: no journal while loading. Named indexes are dropped and made again
    # from their own SQL after the load (one sort each instead of a million random inserts).
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-262144")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('claim', 'coverage', 'claim_line', 'posting', 'posting_entry', "
        "'claim_balance', 'patient')"
    ).fetchall()
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO payer (id, code, name, financial_class, timely_filing_count, "
        "timely_filing_unit, created_at) VALUES (?, ?, ?, ?, 365, 'd', ?)",
        [(i, c, n, k, CREATED) for i, (c, n, k) in enumerate(PAYERS, 1)],
    )
    patients = max(claims // 10, 1)
    con.executemany(
        "INSERT INTO patient (id, account, last_name, first_name, birth_date, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ((i, f"P{i:07d}", f"PATIENT{i}", "ALEX", "1960-01-01", CREATED) for i in range(1, patients + 1)),
    )
    claim_rows, coverage_rows, line_rows, entries, balances = [], [], [], [], []
    line_id = entry_id = coverage_id = 0
    postings: dict[tuple, int] = {}

    def flush(final: bool = False) -> None:
        if len(entries) < 200_000 and not final:
            return
        con.executemany(
            "INSERT INTO claim (id, claim_number, patient_id, billing_npi, rendering_npi, "
            "place_of_service, frequency_code, original_claim_ref, billed_date, "
            "first_service_date, status, created_at) VALUES (?, ?, ?, '1648293714', ?, '11', "
            "'1', '', ?, ?, ?, ?)",
            claim_rows,
        )
        con.executemany(
            "INSERT INTO coverage (id, claim_id, rank, payer_id, member_id) VALUES (?, ?, ?, ?, ?)", coverage_rows
        )
        con.executemany(
            "INSERT INTO claim_line (id, claim_id, line_number, line_control_number, "
            "procedure_code, modifiers, units, charge, service_from, service_to) "
            "VALUES (?, ?, ?, ?, ?, '', '1', ?, ?, ?)",
            line_rows,
        )
        # Entries as revision 0010 stores them: one posting per (posting date, effective
        # date, payer), the entries narrow under it (the ledger_entry view shows them whole).
        narrow, new_postings = [], []
        for eid, claim, line, resp, kind, amount, posted, effective, payer, group, reason, transfer in entries:
            posting_id = postings.get((posted, effective, payer))
            if posting_id is None:
                posting_id = postings[(posted, effective, payer)] = len(postings) + 1
                new_postings.append((posting_id, posted, effective, payer))
            narrow.append((eid, posting_id, claim, line, resp, kind, amount, group, reason, transfer))
        con.executemany(
            "INSERT INTO posting (id, posting_date, effective_date, payer_id, source_ref, created_by) "
            "VALUES (?, ?, ?, ?, '', 'bench')",
            new_postings,
        )
        con.executemany(
            "INSERT INTO posting_entry (id, posting_id, claim_id, line_id, responsibility, kind, amount, "
            "adjustment_group, reason_code, remark_codes, source_ref, transfer_group) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?)",
            narrow,
        )
        con.executemany(
            "INSERT INTO claim_balance (claim_id, responsibility, balance, responsible_since, "
            "last_payment_date) VALUES (?, ?, ?, ?, ?)",
            balances,
        )
        for rows in (claim_rows, coverage_rows, line_rows, entries, balances):
            rows.clear()

    for cid in range(1, claims + 1):
        service = TODAY - timedelta(days=rng.randrange(365))
        billed = min(service + timedelta(days=rng.randint(1, 5)), TODAY)
        primary = 1 + (cid % 9)  # not the Medigap (10) as a primary
        secondary = 10 if cid % 4 == 0 else None
        status = "billed"
        coverage_id += 1
        coverage_rows.append((coverage_id, cid, 1, primary, f"M{cid:09d}"))
        if secondary:
            coverage_id += 1
            coverage_rows.append((coverage_id, cid, 2, secondary, f"S{cid:09d}"))
        charge_total = 0
        for n in range(1, rng.choice((1, 2, 2, 3)) + 1):
            code, charge = CODES[(cid + n) % len(CODES)]
            line_id += 1
            entry_id += 1
            line_rows.append(
                (line_id, cid, n, f"B{cid:07d}-{n}", code, charge, service.isoformat(), service.isoformat())
            )
            entries.append(
                (
                    entry_id,
                    cid,
                    line_id,
                    1,
                    "charge",
                    charge,
                    billed.isoformat(),
                    service.isoformat(),
                    primary,
                    "",
                    "",
                    None,
                )
            )
            charge_total += charge
        owed = {1: [charge_total, billed.isoformat(), None]}
        paid_on = billed + timedelta(days=rng.randint(14, 45))
        if paid_on <= TODAY and rng.random() < 0.8:
            status = "partially_paid"
            day = paid_on.isoformat()
            paid = charge_total * 50 // 100
            contractual = charge_total * 30 // 100
            moved = charge_total - paid - contractual
            to = 2 if secondary else 0
            entry_id += 1
            entries.append((entry_id, cid, None, 1, "payment", -paid, day, day, primary, "", "", None))
            entry_id += 1
            entries.append((entry_id, cid, None, 1, "contractual", -contractual, day, day, primary, "CO", "45", None))
            group = entry_id + 1
            entries.append((group, cid, None, 1, "transfer", -moved, day, day, primary, "PR", "2", group))
            entries.append((group + 1, cid, None, to, "transfer", moved, day, day, primary, "PR", "2", group))
            entry_id += 2
            owed[1] = [0, billed.isoformat(), day]
            owed[to] = [moved, day, None]
            if to == 0 and cid % 97 == 0:  # the patient pays more than owed: a credit
                entry_id += 1
                entries.append((entry_id, cid, None, 0, "payment", -(moved + 1000), day, day, None, "", "", None))
                owed[0] = [-1000, day, day]
        claim_rows.append(
            (
                cid,
                f"B{cid:07d}",
                1 + cid % patients,
                NPIS[cid % len(NPIS)],
                billed.isoformat(),
                service.isoformat(),
                status,
                CREATED,
            )
        )
        balances.extend((cid, resp, bal, since, last) for resp, (bal, since, last) in owed.items())
        flush()
    flush(final=True)
    con.execute("COMMIT")
    for _, sql in indexes:
        con.execute(sql)
    con.execute("PRAGMA journal_mode=WAL")  # as ar-cli keeps its ledgers; no ANALYZE, like theirs
    con.close()
    # The open-balance summary that posting keeps: grouped once from the balances loaded.
    from ar_cli.store import balance_summary
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    ledger = Ledger(resolve_location(str(path))).open()
    with ledger.write() as session:
        balance_summary.rebuild(session)
    ledger.dispose()


# As on a user's machine, Python caches compiled modules: with PYTHONDONTWRITEBYTECODE set
# (some shells and CI images set it) every run would compile ar-cli and its libraries again.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="Keep the ledger here (built when absent).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "aging_bench.sqlite"
        if not db.exists():
            start = time.perf_counter()
            build(db, args.claims)
            print(
                f"built {db} ({args.claims:,} claims, {db.stat().st_size / 1e6:,.0f} MB) "
                f"in {time.perf_counter() - start:.1f} s"
            )
        else:  # a kept ledger follows the schema as a user's would (else every run is refused)
            exe = str(Path(sys.executable).parent / "ar-cli")
            subprocess.run([exe, "--db", str(db), "db", "upgrade"], check=True, env=ENV)
        con = sqlite3.connect(db)
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("claim", "ledger_entry", "claim_balance")
        }
        con.close()
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        print(_load())
        exe = str(Path(sys.executable).parent / "ar-cli")
        cases = [
            ("ar-cli --help (process start, for scale)", None, None),
            ("aging as of today (summary, sqlite3 only)", [], 1.5),
            ("aging --payer ACM01 (summary, through SQLAlchemy)", ["--payer", "ACM01"], None),
            ("aging --min-balance 0.01 (each cached balance)", ["--min-balance", "0.01"], None),
            (f"aging --as-of {PAST} (sums entries)", ["--as-of", PAST], 10.0),
            (
                "aging --by financial-class --basis billed (summary)",
                ["--by", "financial-class", "--basis", "billed"],
                None,
            ),
        ]
        for label, extra, target in cases:
            cmd = [exe, "--help"] if extra is None else [exe, "--db", str(db), "aging", *extra]
            timed(cmd)  # warm the OS page cache
            times = [timed(cmd) for _ in range(args.runs)]
            verdict = (
                ""
                if target is None
                else f"  target < {target:g} s: {'MET' if statistics.median(times) < target else 'MISSED'}"
            )
            print(
                f"{label:<55} median {statistics.median(times):6.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}){verdict}"
            )
        print(_load())


def _load() -> str:
    """Other work on the machine slows every run: say how busy it was."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    main()
