"""`make reliability`: the long version of the reliability suite, with its figures.

Lanes run side by side as separate processes (the machine has few cores, but much of a
PostgreSQL case is spent waiting on the server): the fuzz run on SQLite and on
PostgreSQL (each split in two halves), and the kill trials followed by the concurrent
writers on SQLite then PostgreSQL. A fuzz lane that reaches --minutes stops and says
how many cases it ran. Exit 1 when any figure that must be 0 is not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from reliability.ledgers import REPO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz-cases", type=int, default=10_000, help="per database")
    parser.add_argument("--kill-trials", type=int, default=50)
    parser.add_argument("--payments", type=int, default=1000, help="per writer (4 writers)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--minutes", type=float, default=50, help="a fuzz lane stops after this long")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "tests"), env.get("PYTHONPATH", "")]))
    py = [sys.executable, "-m"]
    half = args.fuzz_cases // 2
    fuzz = [py + ["reliability.fuzz_835", "--db", db, "--seed", str(args.seed), "--case", str(first),
                  "--cases", str(count), "--minutes", str(args.minutes)]
            for db in ("sqlite", "postgres") for first, count in ((0, half), (half, args.fuzz_cases - half))]
    serial = " && ".join([
        f"{sys.executable} -m reliability.kill_trials --trials {args.kill_trials} --seed {args.seed}",
        f"{sys.executable} -m reliability.concurrent_writers --db sqlite --count {args.payments}",
        f"{sys.executable} -m reliability.concurrent_writers --db postgres --count {args.payments}"]).replace(
        " && ", " ; ")
    started = time.monotonic()
    lanes = [subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for cmd in fuzz]
    lanes.append(subprocess.Popen(["bash", "-c", serial], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True))
    outputs = [lane.communicate()[0] for lane in lanes]
    codes = [lane.returncode for lane in lanes]
    print(f"reliability, long version: {(time.monotonic() - started) / 60:.1f} min wall, "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    for out in outputs:
        sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
    # The serial lane's three commands each report; its bash exit is the last one's only.
    bad = any(codes[:-1]) or any(word in outputs[-1] for word in ("NOT CLEAN", "DO NOT TIE")) or \
        _nonzero_figures(outputs[-1])
    return 1 if bad else 0


def _nonzero_figures(text: str) -> bool:
    import re

    for name in ("partial files", "audit verify not clean", "re-runs that differ from one clean run", "lost",
                 "doubled", "'locked/busy' seen"):
        if any(int(n) for n in re.findall(re.escape(name) + r" (\d+)", text)):
            return True
    return bool(re.search(r"exit (?!0:)\d+: \d+", text.split("kill trials")[-1]))


if __name__ == "__main__":
    sys.exit(main())
