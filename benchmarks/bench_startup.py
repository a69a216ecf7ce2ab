"""`ar-cli --help` against a bare one-command Typer app, measured in the same run.

Target (issue 2): median under 200 ms, and within 1.5× of the bare app.
Prints medians of N runs of each, interleaved so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = '''import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x") -> None:
    """Say hello."""
    print(name)
if __name__ == "__main__":
    app()
'''


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ar-cli")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        ours, theirs = [], []
        for _ in range(2):  # warm the OS cache
            timed([exe, "--help"])
            timed([sys.executable, str(bare), "--help"])
        for _ in range(args.runs):
            ours.append(timed([exe, "--help"]))
            theirs.append(timed([sys.executable, str(bare), "--help"]))
    ours_ms, bare_ms = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
    print(
        f"ar-cli --help        median {ours_ms:6.1f} ms  (min {min(ours) * 1000:.1f}, max {max(ours) * 1000:.1f}, n={args.runs})"
    )
    print(
        f"bare Typer --help    median {bare_ms:6.1f} ms  (min {min(theirs) * 1000:.1f}, max {max(theirs) * 1000:.1f})"
    )
    print(
        f"ratio                {ours_ms / bare_ms:6.2f}×   target ≤ 1.5× and < 200 ms: "
        f"{'MET' if ours_ms < 200 and ours_ms / bare_ms <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
