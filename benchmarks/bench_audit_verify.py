"""`ar-cli audit verify` on a 100,000-claim ledger: the charges imported, then a
100,000-claim 835 posted onto them (what bench_post_era makes, kept as a template).

Prints the median wall and CPU time of `audit verify` (a subprocess: start to the
summary line) and what it checked, beside two references timed in the same run, in
turn with it (issue #13 asks verify to stay within 2x its time before the row hashes):

- "chain and balances only": this code's verify with the rows check switched off (the
  entries summed per claim in SQL instead, as before the rows check summed them), so
  the ratio is what rebuilding every money row's hash costs on top of the rest;
- "revision REV" (`--before REV`, repeatable; default 6ff57c7, the last commit before
  revision 0007, i.e. before row hashes): that revision's own code, from `git archive`,
  on a ledger it builds itself from the same files (its schema may be older), so the
  ratio to 6ff57c7 is the one the issue means. `--before none` skips it (no git, or no
  time).

With `--keep DIR` the generated files and the ledgers are kept and reused
(bench_post_era.py --keep DIR leaves the same files).

    .venv/bin/python benchmarks/bench_audit_verify.py [--claims N] [--runs N] [--keep DIR] [--before REV]
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
    parser.add_argument(
        "--before",
        action="append",
        metavar="REV",
        help="time this revision's verify too, on a ledger it builds (repeatable; default "
        "6ff57c7, the last before row hashes; 'none': no revision)",
    )
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ar-cli")
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        run(args, exe=exe, folder=Path(args.keep))
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(args, exe=exe, folder=Path(tmp))


# `audit verify` with the rows check off: the entries summed per claim in SQL, as
# check 3 did before the rows check summed them on its way.
_REFERENCE = """
import sys
from sqlalchemy import func, select
from ar_cli.reports.audit import verify
from ar_cli.store.tables import LedgerEntryRow as E

def chain_and_balances_only(session, manifests, *, entry_sums=None):
    if entry_sums is not None:
        entry_sums.update({(int(c), int(r)): int(s) for c, r, s in session.execute(
            select(E.claim_id, E.responsibility, func.sum(E.amount)).group_by(E.claim_id, E.responsibility))})
    return 0, []

verify.check_rows = chain_and_balances_only
from ar_cli.cli.main import run
sys.argv = ["ar-cli", *sys.argv[1:]]
sys.exit(run())
"""


def _build(exe: list[str], folder: Path, claims: int, *, env=None) -> Path:
    """The posted ledger in `folder` (made once: claims imported, then the 835 posted)."""
    remit, template, ledger = folder / "remit.835", folder / "template.sqlite", folder / "posted.sqlite"
    if not ledger.exists():
        if not remit.exists():
            subprocess.run(
                [sys.executable, str(HERE / "make_large_835.py"), "--claims", str(claims), "--out", str(folder)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        if not template.exists():
            subprocess.run(
                [
                    *exe,
                    "--db",
                    str(template),
                    "claims",
                    "import",
                    str(folder / "claims.csv"),
                    "--posting-date",
                    "2026-06-30",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                env=env,
            )
        subprocess.run([*exe, "--db", str(template), "db", "upgrade"], check=True, stdout=subprocess.DEVNULL, env=env)
        ledger.write_bytes(template.read_bytes())
        done = subprocess.run(
            [*exe, "--db", str(ledger), "post", "era", str(remit), "--posting-date", "2026-06-30"],
            stdout=subprocess.DEVNULL,
            env=env,
        )
        if done.returncode not in (0, 1):
            raise SystemExit(done.returncode)
    return ledger


def _before(rev: str, folder: Path) -> tuple[list[str], dict] | None:
    """The command and environment that run revision `rev`'s ar-cli (from git archive)."""
    code = folder / f"code-{rev}"
    if not code.exists():
        tmp = folder / f"code-{rev}.partial"
        tmp.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev], capture_output=True)
        if archive.returncode != 0:
            print(f"(no reference before row hashes: git archive {rev}: {archive.stderr.decode().strip()})")
            return None
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
        tmp.rename(code)
    env = {**os.environ, "PYTHONPATH": str(code)}  # ahead of this checkout's editable install
    # -P: not the current folder first (a checkout's ar_cli/ would shadow PYTHONPATH's).
    return [
        sys.executable,
        "-P",
        "-c",
        "import sys; from ar_cli.cli.main import run; sys.argv[0] = 'ar-cli'; sys.exit(run())",
    ], env


def run(args, *, exe: str, folder: Path) -> None:
    ledger = _build([exe], folder, args.claims)
    commands = {
        "audit verify": ([exe, "--db", str(ledger), "audit", "verify"], None),
        "chain and balances only": ([sys.executable, "-c", _REFERENCE, "--db", str(ledger), "audit", "verify"], None),
    }
    for rev in [r for r in (args.before or ["6ff57c7"]) if r != "none"]:
        old = _before(rev, folder)
        if old is None:
            continue
        old_folder = folder / f"before-{rev}"
        old_folder.mkdir(exist_ok=True)
        for name in ("remit.835", "claims.csv"):
            if not (old_folder / name).exists():
                (old_folder / name).symlink_to((folder / name).resolve())
        old_ledger = _build(old[0], old_folder, args.claims, env=old[1])
        commands[f"revision {rev}"] = ([*old[0], "--db", str(old_ledger), "audit", "verify"], old[1])
    # In turn (one run of each, then again), so a change in the machine's load falls on all.
    results: dict[str, list] = {}
    for _ in range(args.runs):
        for label, (command, env) in commands.items():
            results.setdefault(label, []).append(_time_one(command, env=env))
    medians = {}
    for label, runs in results.items():
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        medians[label] = statistics.median(cpus)
        print(
            f"{label}, {args.claims:,}-claim ledger: median {statistics.median(walls):.2f} s wall, "
            f"{medians[label]:.2f} s CPU (wall {', '.join(f'{t:.2f}' for t in walls)}; CPU "
            f"{', '.join(f'{c:.2f}' for c in cpus)})"
        )
        print(f"  {runs[-1][2]}")
    ours = medians["audit verify"]
    for label, cpu in medians.items():
        if label != "audit verify" and cpu:
            print(f"audit verify / {label}: x{ours / cpu:.2f} (CPU medians)")
    print(f"load average {os.getloadavg()[0]:.2f}")


def _time_one(command: list[str], env=None) -> tuple[float, float, str]:
    """(wall, CPU of the child, its last output line) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:3])}… exited {done.returncode}: {done.stderr.strip()}")
    return (
        wall,
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        (done.stdout.strip().splitlines() or [""])[-1],
    )


if __name__ == "__main__":
    main()
