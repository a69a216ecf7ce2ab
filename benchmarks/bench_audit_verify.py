"""`ar-cli audit verify` on a 100,000-claim ledger: the charges imported, then a
100,000-claim 835 posted onto them (what bench_post_era makes, kept as a template).

Prints the median wall and CPU time of `audit verify` (a subprocess: start to the
summary line) and what it checked. With `--keep DIR` the generated files and the
ledger are kept and reused (bench_post_era.py --keep DIR leaves the same files).

    .venv/bin/python benchmarks/bench_audit_verify.py [--claims N] [--runs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
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
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files and ledger in DIR")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ar-cli")
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        run(args, exe=exe, folder=Path(args.keep))
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(args, exe=exe, folder=Path(tmp))


def run(args, *, exe: str, folder: Path) -> None:
    remit, template, ledger = folder / "remit.835", folder / "template.sqlite", folder / "posted.sqlite"
    if not ledger.exists():
        if not remit.exists():
            subprocess.run([sys.executable, str(HERE / "make_large_835.py"), "--claims", str(args.claims),
                            "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
        if not template.exists():
            subprocess.run([exe, "--db", str(template), "claims", "import", str(folder / "claims.csv"),
                            "--posting-date", "2026-06-30"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([exe, "--db", str(template), "db", "upgrade"], check=True, stdout=subprocess.DEVNULL)
        ledger.write_bytes(template.read_bytes())
        done = subprocess.run([exe, "--db", str(ledger), "post", "era", str(remit), "--posting-date",
                               "2026-06-30"], stdout=subprocess.DEVNULL)
        if done.returncode not in (0, 1):
            raise SystemExit(done.returncode)
    times, cpus, summary = [], [], ""
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([exe, "--db", str(ledger), "audit", "verify"], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        summary = (done.stdout.strip().splitlines() or [""])[-1]
        if done.returncode not in (0, 1):
            raise SystemExit(f"audit verify exited {done.returncode}: {done.stderr.strip()}")
    print(f"audit verify, {args.claims:,}-claim ledger: median {statistics.median(times):.2f} s wall, "
          f"{statistics.median(cpus):.2f} s CPU (runs {', '.join(f'{t:.2f}' for t in times)} s wall); "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  {summary}")


if __name__ == "__main__":
    main()
