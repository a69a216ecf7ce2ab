"""How fast ar_cli reads a large 835, and how that compares with the floor and with pyx12.

Each measurement runs in a fresh subprocess (so peak RSS is that of one read, taken
with resource.getrusage) and the median of --runs is printed:

- read_835: every event of the remittance (claims, lines, adjustments as domain values);
- floor: splitting the same file into segments and elements in pure Python, nothing
  more, for scale on a busy machine;
- pyx12 (when importable; `pip install pyx12` into the venv, it is not a dependency):
  its segment reader on the same file, and its validating parse on a 10,000-claim file,
  scaled up to the claim count (said so in the output: the full validation takes
  minutes).

    python benchmarks/bench_x12_read.py --claims 100000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VALIDATION_CLAIMS = 10_000


def _child(kind: str, path: str) -> None:
    """Run one measurement and print it as JSON (the parent parses it)."""
    claims = lines = 0
    wall, cpu = time.perf_counter(), time.process_time()
    if kind == "read_835":
        from ar_cli.domain.remittance.advice import ClaimPayment
        from ar_cli.x12 import read_835

        for event in read_835(path):
            if isinstance(event, ClaimPayment):
                claims += 1
                lines += len(event.lines)
    elif kind == "floor":
        with open(path, encoding="utf-8") as handle:
            carry = ""
            while chunk := handle.read(1 << 20):
                parts = (carry + chunk).replace("\n", "").split("~")
                carry = parts.pop()
                for part in parts:
                    part.split("*")
    elif kind == "pyx12-segments":
        import pyx12.x12file

        for _ in pyx12.x12file.X12Reader(path):
            pass
    elif kind == "pyx12-validate":
        import pyx12.params
        import pyx12.x12n_document

        if not pyx12.x12n_document.x12n_document(pyx12.params.params(), path, None, None):
            raise SystemExit("pyx12 found the file invalid")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"wall": wall, "cpu": cpu, "claims": claims, "lines": lines, "peak_mib": peak_kib / 1024}))


def measure(kind: str, path: Path, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True, check=True
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def ensure_file(folder: Path, claims: int) -> Path:
    remit = folder / "remit.835"
    if not remit.exists():
        # In a subprocess: ru_maxrss survives fork and exec, so a parent grown by the
        # generator would lend its peak to every measurement.
        command = [sys.executable, str(HERE / "make_large_835.py"), "--claims", str(claims), "--out", str(folder)]
        subprocess.run(command, check=True, capture_output=True)
    return remit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, help="folder for the generated files (default: a temporary one)")
    parser.add_argument("--skip-pyx12", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data or Path(scratch)
        remit = ensure_file(data / f"claims-{args.claims}", args.claims)
        megabytes = remit.stat().st_size / 1e6
        ours = measure("read_835", remit, args.runs)
        floor = measure("floor", remit, args.runs)
        print(f"file: {remit} ({megabytes:.1f} MB, {int(ours['claims']):,} claims, {int(ours['lines']):,} lines)")
        print(
            f"read_835: {ours['wall']:.2f} s wall, {ours['cpu']:.2f} s CPU (median of {args.runs}); "
            f"{ours['claims'] / ours['wall']:,.0f} claims/s, {megabytes / ours['wall']:.1f} MB/s; "
            f"peak RSS {ours['peak_mib']:.0f} MiB"
        )
        print(
            f"floor (split into segments and elements only): {floor['wall']:.2f} s wall, {floor['cpu']:.2f} s CPU; "
            f"read_835 = {ours['cpu'] / floor['cpu']:.1f} x the floor in CPU time"
        )
        load = os.getloadavg()[0]
        print(f"load average when done: {load:.2f} on {os.cpu_count()} CPUs (others' work slows wall time)")
        if args.skip_pyx12:
            return
        try:
            import pyx12  # noqa: F401
        except ImportError:
            print("pyx12: not installed (pip install pyx12 into the venv to compare)")
            return
        segments = measure("pyx12-segments", remit, 1)
        print(
            f"pyx12 segment reader, same file: {segments['wall']:.2f} s "
            f"({segments['wall'] / ours['wall']:.1f} x read_835), peak RSS {segments['peak_mib']:.0f} MiB"
        )
        small = ensure_file(data / f"claims-{VALIDATION_CLAIMS}", VALIDATION_CLAIMS)
        validate = measure("pyx12-validate", small, 1)
        scaled = validate["wall"] * args.claims / VALIDATION_CLAIMS
        print(
            f"pyx12 validating parse: {validate['wall']:.1f} s on a {VALIDATION_CLAIMS:,}-claim file, "
            f"scaled x{args.claims / VALIDATION_CLAIMS:g} to about {scaled:.0f} s "
            f"({scaled / ours['wall']:.0f} x read_835)"
        )


if __name__ == "__main__":
    main()
