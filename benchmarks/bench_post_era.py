"""Posting a large 835 onto its claims, end to end (issue 3's target: 100,000 claims
under 5 s, peak memory under 300 MB).

Generates the claims CSV and matching 835 with make_large_835.py, imports the claims
once into a template SQLite ledger, then for each run copies the template and times
`ar-cli post era` as a subprocess (process start to summary: entries, denials, audit).
Prints the median wall time and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ar-cli")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, str(HERE / "make_large_835.py"), "--claims", str(args.claims),
                        "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
        template = folder / "template.sqlite"
        subprocess.run([exe, "--db", str(template), "claims", "import", str(folder / "claims.csv"),
                        "--posting-date", "2026-06-30"], check=True, stdout=subprocess.DEVNULL)
        times, peaks = [], []
        for run in range(args.runs):
            db = folder / f"run{run}.sqlite"
            shutil.copy(template, db)
            out = subprocess.run([sys.executable, __file__, "--child", exe, str(db), str(folder / "remit.835")],
                                 capture_output=True, text=True, check=True)
            elapsed, peak = out.stdout.split()
            times.append(float(elapsed))
            peaks.append(int(peak))
        size = (folder / "remit.835").stat().st_size / 1e6
        print(f"post era {args.claims:,} claims ({size:.1f} MB): median {statistics.median(times):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in times)}), peak RSS {statistics.median(peaks) / 1024:.0f} MB")
        print("target: 100,000 claims under 5 s, peak under 300 MB")


def child(exe: str, db: str, remit: str) -> None:
    start = time.perf_counter()
    done = subprocess.run([exe, "--db", db, "post", "era", remit, "--posting-date", "2026-06-30"],
                          stdout=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(done.returncode)
    print(f"{time.perf_counter() - start:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
