"""`make reliability`: the long version of the reliability suite, with its figures.

Lanes run side by side as separate processes (the machine has few cores, but much of a
PostgreSQL case is spent waiting on the server): the kill trials, the concurrent writers
on SQLite and on PostgreSQL, and the fuzz run on each database (split in two halves).
Each lane exits 1 when a figure that must be 0 is not. A fuzz lane that reaches --minutes stops and says
how many cases it ran. Exit 1 when any figure that must be 0 is not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reliability.ledgers import REPO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz-cases", type=int, default=10_000, help="per database")
    parser.add_argument("--kill-trials", type=int, default=50)
    parser.add_argument("--payments", type=int, default=1000, help="per writer (4 writers)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--minutes", type=float, default=45, help="a fuzz lane stops after this long")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "tests"), env.get("PYTHONPATH", "")]))
    py = [sys.executable, "-m"]
    half = args.fuzz_cases // 2
    fuzz = [
        py
        + [
            "reliability.fuzz_835",
            "--db",
            db,
            "--seed",
            str(args.seed),
            "--case",
            str(first),
            "--cases",
            str(count),
            "--minutes",
            str(args.minutes),
        ]
        for db in ("sqlite", "postgres")
        for first, count in ((0, half), (half, args.fuzz_cases - half))
    ]
    others = [
        py + ["reliability.kill_trials", "--trials", str(args.kill_trials), "--seed", str(args.seed)],
        py + ["reliability.concurrent_writers", "--db", "sqlite", "--count", str(args.payments)],
        py + ["reliability.concurrent_writers", "--db", "postgres", "--count", str(args.payments)],
    ]
    env["PYTHONUNBUFFERED"] = "1"
    logs = Path(tempfile.mkdtemp(prefix="ar-reliability-"))
    print(f"lanes' output as it comes: {logs}/lane*.log", flush=True)
    started = time.monotonic()
    lanes = []
    for number, cmd in enumerate(others + fuzz):
        with (logs / f"lane{number}.log").open("w") as out:
            lanes.append(subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, text=True))
    codes = [lane.wait() for lane in lanes]
    outputs = [(logs / f"lane{number}.log").read_text() for number in range(len(lanes))]
    print(
        f"reliability, long version: {(time.monotonic() - started) / 60:.1f} min wall, "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    for out in outputs:
        sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
    return 1 if any(codes) else 0


if __name__ == "__main__":
    sys.exit(main())
