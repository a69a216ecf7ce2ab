"""Four writers at once, as four users' processes would be: each posts N patient
payments of one cent through the CLI (in its own process, one transaction a payment),
all on the same claims. Afterwards every payment is in the ledger exactly once, each
claim's balance is its charge less its payments, `audit verify` is clean, and no
writer saw an error: "writers wait, never fail" (SQLite: BEGIN IMMEDIATE and the busy
timeout; PostgreSQL: row locks and the audit chain's head row).

`python -m reliability.concurrent_writers --db sqlite --count 1000` runs the long version.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reliability.ledgers import POSTING, REPO, LedgerCopies, run_cli, verify_clean

WRITERS = 4
CLAIMS = 40
CHARGE_CENTS = 100_00
HEADER = (
    "claim_number,patient_account,patient_name,patient_dob,payer_id,payer_name,service_date,"
    "billed_date,procedure_code,modifiers,units,charge"
)


def claim_number(index: int) -> str:
    return f"RELW{index % CLAIMS:04d}"


def payment_args(writer: int, index: int) -> list[str]:
    return [
        "post",
        "payment",
        claim_number(writer * 7 + index),
        "--patient",
        "--amount",
        "0.01",
        "--method",
        "cash",
        "--reference",
        f"W{writer}-{index}",
        "--date",
        "2026-06-29",
        "--posting-date",
        POSTING,
    ]


def fill(db: str, workdir: Path) -> None:
    """Self-pay claims of $100.00 each: room for 10,000 one-cent payments per claim."""
    rows = [
        f"{claim_number(i)},RELACCT{i:04d},Tester^Pat{i},1970-01-01,,,2026-06-01,2026-06-02,99213,,1,100.00"
        for i in range(CLAIMS)
    ]
    path = workdir / "writers-claims.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    result = run_cli(db, "claims", "import", str(path), "--posting-date", POSTING)
    assert result.exit_code == 0, result.output


def worker(db: str, writer: int, count: int, out: Path) -> None:
    """One writer: post `count` payments, record each exit code and any error line."""
    exits, errors = Counter(), []
    for index in range(count):
        result = run_cli(db, *payment_args(writer, index), user=f"writer{writer}")
        exits[result.exit_code] += 1
        if result.exit_code != 0:
            errors.append(f"W{writer}-{index}: exit {result.exit_code}: {result.stderr.strip()[:300]}")
    out.write_text(json.dumps({"exits": exits, "errors": errors}), encoding="utf-8")


@dataclass
class Figures:
    kind: str
    writers: int = WRITERS
    per_writer: int = 0
    posted: int = 0  # payment entries in the ledger afterwards
    lost: int = 0  # payments a writer was told were posted and are not in the ledger
    doubled: int = 0  # references with more than one payment entry
    locked: int = 0  # error lines that say the ledger was locked or busy
    exits: Counter = field(default_factory=Counter)
    balances_ok: bool = False
    verify_ok: bool = False
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return (
            self.lost
            + self.doubled
            + self.locked
            + sum(n for c, n in self.exits.items() if c != 0)
            + (not self.balances_ok)
            + (not self.verify_ok)
        )

    def line(self) -> str:
        exits = ", ".join(f"exit {c}: {n}" for c, n in sorted(self.exits.items()))
        return (
            f"writers {self.kind}: {self.writers}x{self.per_writer} payments in {self.seconds:.0f} s ({exits}); "
            f"in the ledger {self.posted}, lost {self.lost}, doubled {self.doubled}, 'locked/busy' seen "
            f"{self.locked}; balances {'tie' if self.balances_ok else 'DO NOT TIE'}; audit verify "
            f"{'clean' if self.verify_ok else 'NOT CLEAN'}"
        )


def _payments(db: str) -> dict[str, int]:
    """Per reference: how many payment entries the ledger holds."""
    from sqlalchemy import create_engine, text

    from reliability.ledgers import sql_url

    engine = create_engine(sql_url(db))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT source_ref, count(*) FROM ledger_entry WHERE kind = 'payment' GROUP BY source_ref")
            ).all()
            owed = conn.execute(text("SELECT coalesce(sum(balance), 0) FROM claim_balance")).scalar_one()
    finally:
        engine.dispose()
    counts = {ref: n for ref, n in rows}
    counts["__owed__"] = int(owed)
    return counts


def run(kind: str, *, count: int, workdir: Path) -> Figures:
    figures = Figures(kind=kind, per_writer=count)
    copies = LedgerCopies(kind, workdir)
    try:
        copies.build(lambda db: fill(db, workdir))
        db = copies.copy("writers")
        started = time.monotonic()
        procs = []
        for writer in range(WRITERS):
            out = workdir / f"writer{writer}.json"
            procs.append(
                (
                    out,
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "reliability.concurrent_writers",
                            "--worker",
                            str(writer),
                            "--count",
                            str(count),
                            "--ledger",
                            db,
                            "--out",
                            str(out),
                        ],
                        cwd=REPO,
                        env=_env(),
                    ),
                )
            )
        for _, proc in procs:
            proc.wait()
        figures.seconds = time.monotonic() - started
        told_posted = set()
        for writer, (out, proc) in enumerate(procs):
            if proc.returncode != 0 or not out.exists():
                figures.errors.append(f"writer {writer} died: exit {proc.returncode}")
                figures.exits[f"died {proc.returncode}"] += count
                continue
            report = json.loads(out.read_text())
            for code, n in report["exits"].items():
                figures.exits[int(code)] += n
            figures.errors += report["errors"]
            failed = {e.split(":")[0] for e in report["errors"]}
            told_posted |= {f"W{writer}-{i}" for i in range(count)} - failed
        figures.locked = sum(1 for e in figures.errors if "locked" in e or "busy" in e)
        counts = _payments(db)
        owed = counts.pop("__owed__")
        by_reference = Counter()
        for ref, n in counts.items():
            by_reference[ref.split()[-1]] += n  # source_ref is '<method> <reference>'
        figures.posted = sum(by_reference.values())
        figures.doubled = sum(1 for n in by_reference.values() if n > 1)
        figures.lost = sum(1 for ref in told_posted if by_reference.get(ref, 0) == 0)
        figures.balances_ok = owed == CLAIMS * CHARGE_CENTS - figures.posted
        figures.verify_ok, detail = verify_clean(db)
        if not figures.verify_ok:
            figures.errors.append(f"audit verify: {detail}")
    finally:
        copies.close()
    return figures


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "tests"), env.get("PYTHONPATH", "")]))
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=1000, help="payments per writer")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ledger", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(args.ledger, args.worker, args.count, args.out)
        return 0
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ar-writers-") as tmp:
        figures = run(args.db, count=args.count, workdir=Path(tmp))
    print(figures.line())
    for error in figures.errors[:20]:
        print("  " + error)
    return 1 if figures.bad else 0


if __name__ == "__main__":
    sys.exit(main())
