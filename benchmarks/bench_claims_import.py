"""Importing a 100,000-line claims CSV into a fresh SQLite ledger, end to end.

Target (issue 2): under 10 s, memory flat. Runs the real `ar-cli claims import` as a
subprocess (process start, parsing, one transaction, audit) N times; prints the median
wall time and the peak RSS of the child, and the same for a file a tenth the size so
the memory growth per line is visible.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = (
    "claim_number,patient_account,patient_name,patient_dob,payer_id,payer_name,service_date,"
    "billed_date,procedure_code,modifiers,units,charge,member_id,line_control_number\n"
)
CODES = [("99213", "145.00"), ("99214", "210.00"), ("36415", "25.00"), ("80053", "48.00"), ("93000", "65.00")]
PAYERS = [
    ("MCR01", "Medicare Part B"),
    ("MCD01", "State Medicaid"),
    ("ACM01", "Acme Health Plan"),
    ("BFS01", "Bluefinch Shield"),
]


def write_claims(path: Path, lines: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    written, claim = 0, 0
    with path.open("w") as out:
        out.write(HEADER)
        while written < lines:
            claim += 1
            payer = PAYERS[claim % len(PAYERS)]
            service = start + timedelta(days=rng.randrange(170))
            for n in range(1, min(rng.choice((1, 2, 2, 3)), lines - written) + 1):
                code, charge = CODES[(claim + n) % len(CODES)]
                out.write(
                    f'B{claim:07d},P{claim % 40000:06d},"PATIENT{claim % 40000}, ALEX",1960-01-01,'
                    f"{payer[0]},{payer[1]},{service},{service + timedelta(days=3)},{code},,1,{charge},"
                    f"M{claim:08d},B{claim:07d}-{n}\n"
                )
                written += 1


def run_import(csv_path: Path, db: Path) -> tuple[float, int]:
    exe = str(Path(sys.executable).parent / "ar-cli")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [exe, "--db", str(db), "claims", "import", str(csv_path), "--posting-date", "2026-06-30"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for lines in (args.lines // 10, args.lines):
            csv_path = folder / f"claims_{lines}.csv"
            write_claims(csv_path, lines)
            times, peaks = [], []
            for run in range(args.runs):
                # Each run in its own process tree so ru_maxrss is this run's peak.
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(csv_path), str(folder / f"l{lines}_{run}.sqlite")],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                elapsed, peak_kb = out.stdout.split()
                times.append(float(elapsed))
                peaks.append(int(peak_kb))
            size_mb = csv_path.stat().st_size / 1e6
            print(
                f"claims import {lines:>7,} lines ({size_mb:5.1f} MB): median {statistics.median(times):6.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}), peak RSS {statistics.median(peaks) / 1024:6.0f} MB"
            )
    print("target: 100,000 lines under 10 s")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        elapsed, peak = run_import(Path(sys.argv[2]), Path(sys.argv[3]))
        print(f"{elapsed:.3f} {peak}")
    else:
        main()
