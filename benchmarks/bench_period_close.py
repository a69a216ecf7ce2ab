"""How long `ar-cli period close` holds the SQLite write lock on a large ledger.

Every other writer waits for that lock for at most its busy timeout (a minute), so the
close must hold it briefly. The ledger is bench_aging.py's (claims, coverages, lines
and entries loaded with sqlite3; about 4.9 entries a claim: --claims 165000 gives some
800,000 entries). Each run closes last month on a fresh copy, while a prober in this
process tries `BEGIN IMMEDIATE` (busy timeout 0) every 10 ms and rolls back: the
longest stretch of refused attempts is how long the close held the lock (to 10 ms),
and the close's wall time is printed beside it.

--code DIR runs ar-cli from another source tree (e.g. `git archive` of an older
commit unpacked in /tmp) with this interpreter, to compare before and after.

    .venv/bin/python benchmarks/bench_period_close.py --claims 165000 --runs 3 [--code DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_aging import ENV, _load, build  # noqa: E402

MONTH = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


class Prober(threading.Thread):
    """Tries to take the write lock every 10 ms; remembers the longest refusal."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.longest = 0.0
        self.attempts = 0

    def run(self) -> None:
        con = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        refused_since: float | None = None
        while not self.stop.is_set():
            now = time.perf_counter()
            self.attempts += 1
            try:
                con.execute("BEGIN IMMEDIATE")
                con.execute("ROLLBACK")
                if refused_since is not None:
                    self.longest = max(self.longest, now - refused_since)
                    refused_since = None
            except sqlite3.OperationalError:
                if refused_since is None:
                    refused_since = now
            time.sleep(0.01)
        if refused_since is not None:
            self.longest = max(self.longest, time.perf_counter() - refused_since)
        con.close()


def close_once(source: Path, work: Path, code: Path | None) -> tuple[float, float]:
    db = work / "ledger.sqlite"
    shutil.copyfile(source, db)
    packs = work / "packs"
    shutil.rmtree(packs, ignore_errors=True)
    packs.mkdir()
    if code is None:
        cmd, cwd = [str(Path(sys.executable).parent / "ar-cli")], None
    else:  # the interpreter finds `ar_cli` in the current directory first
        cmd, cwd = [sys.executable, "-c", "from ar_cli.cli.main import run; run()"], str(code)
    cmd += ["--db", str(db), "period", "close", MONTH, "--output", str(packs)]
    prober = Prober(db)
    prober.start()
    time.sleep(0.05)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV, cwd=cwd)
    wall = time.perf_counter() - start
    time.sleep(0.05)
    prober.stop.set()
    prober.join()
    return wall, prober.longest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=165_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="Keep the built ledger here (built when absent).")
    parser.add_argument("--code", type=Path, help="Run ar-cli from this source tree instead.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.db or Path(tmp) / "close_bench.sqlite"
        if not source.exists():
            started = time.perf_counter()
            build(source, args.claims)
            print(f"built {source} ({args.claims:,} claims) in {time.perf_counter() - started:.1f} s")
        con = sqlite3.connect(source)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        entries = con.execute("SELECT count(*) FROM ledger_entry").fetchone()[0]
        in_month = con.execute(
            "SELECT count(*) FROM ledger_entry WHERE substr(posting_date, 1, 7) = ?", (MONTH,)
        ).fetchone()[0]
        con.close()
        print(f"ledger: {entries:,} entries, {in_month:,} posted in {MONTH}; code: {args.code or 'this checkout'}")
        work = Path(tmp) / "run"
        work.mkdir()
        results = [close_once(source, work, args.code) for _ in range(args.runs)]
        walls, holds = [w for w, _ in results], [h for _, h in results]
        print(
            f"period close {MONTH}: wall median {statistics.median(walls):.2f} s "
            f"(runs {', '.join(f'{w:.2f}' for w in walls)}); write lock held at most "
            f"{statistics.median(holds):.2f} s median (runs {', '.join(f'{h:.2f}' for h in holds)})"
        )
        print(_load())


if __name__ == "__main__":
    main()
