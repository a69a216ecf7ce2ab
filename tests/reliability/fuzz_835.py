"""Fuzzing `post era` with mutated 835s, in this process through Typer's runner (10,000
subprocesses would take hours on a small machine), each case on a fresh copy of a small
ledger: the sample practice's claims, no payments yet.

What must hold for every case: no traceback, an exit code of 0, 1 or 2, and a file
refused (exit 2) leaves the ledger exactly as it was. Cases are reproducible: case i of
seed s mutates with random.Random(f"{s}:{i}"); `python -m reliability.fuzz_835 --seed s
--case i --show` prints the mutated file.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reliability.ledgers import POSTING, SAMPLE, LedgerCopies, fingerprint, import_sample_claims, run_cli

# The sample remittances: primary payers, a secondary, two files of two remittances each.
BASES = sorted((SAMPLE / "eras").glob("*.835"))

# Values a damaged or hostile file puts in an element.
ODD_VALUES = [
    "",
    "0",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "0.001",
    "-99999999999.99",
    "9" * 30,
    "1" * 400,
    "12.3.4",
    "+5",
    " 7 ",
    "00000000000000000000001",
    "20261399",
    "20260231",
    "99991231",
    "19000101",
    "é",
    "\u00a0",
    "A" * 80,
    "-",
    ".",
    "1,000.00",
    "0x1F",
    "*",
    "~",
    ":",
    "^",
]


@dataclass
class Figures:
    kind: str
    cases: int = 0
    exits: Counter = field(default_factory=Counter)
    tracebacks: int = 0
    changed_when_refused: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)  # one line each: seed, case, what went wrong

    @property
    def bad(self) -> int:
        return (
            self.tracebacks
            + self.changed_when_refused
            + sum(n for code, n in self.exits.items() if code not in (0, 1, 2))
        )

    def line(self) -> str:
        exits = ", ".join(f"exit {code}: {n}" for code, n in sorted(self.exits.items()))
        return (
            f"fuzz {self.kind}: {self.cases} cases in {self.seconds:.0f} s ({exits}); tracebacks "
            f"{self.tracebacks}; refused files that changed the ledger {self.changed_when_refused}"
        )


def _split(text: str) -> tuple[str, list[str]]:
    """The segment terminator (ISA's 106th character, as the reader takes it) and the segments."""
    terminator = text[105] if len(text) > 105 else "~"
    return terminator, text.split(terminator)


def mutate(text: str, rng: random.Random) -> str:
    """One to three damages of kinds a real file meets: bytes flipped, cut or inserted,
    segments lost, doubled or swapped, elements emptied or given odd values, the
    separators changed, the file truncated."""
    for _ in range(rng.randint(1, 3)):
        terminator, segments = _split(text)
        kind = rng.randrange(10)
        if kind == 0 and text:  # a byte flipped
            at = rng.randrange(len(text))
            text = text[:at] + chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 32), 0xE9])) + text[at + 1 :]
        elif kind == 1 and text:  # a run of bytes lost
            at = rng.randrange(len(text))
            text = text[:at] + text[at + rng.randint(1, 40) :]
        elif kind == 2:  # noise inserted
            at = rng.randrange(len(text) + 1)
            noise = "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randint(1, 12)))
            text = text[:at] + noise + text[at:]
        elif kind == 3 and len(segments) > 2:  # a segment lost
            del segments[rng.randrange(len(segments) - 1)]
            text = terminator.join(segments)
        elif kind == 4 and len(segments) > 2:  # a segment doubled
            at = rng.randrange(len(segments) - 1)
            segments.insert(at, segments[at])
            text = terminator.join(segments)
        elif kind == 5 and len(segments) > 3:  # two segments swapped
            a, b = rng.randrange(len(segments) - 1), rng.randrange(len(segments) - 1)
            segments[a], segments[b] = segments[b], segments[a]
            text = terminator.join(segments)
        elif kind in (6, 7) and len(segments) > 2:  # an element given an odd value (twice as likely)
            at = rng.randrange(len(segments) - 1)
            separator = text[3] if len(text) > 3 else "*"
            elements = segments[at].split(separator)
            if len(elements) > 1:
                which = rng.randrange(1, len(elements))
                elements[which] = rng.choice(
                    ODD_VALUES + [elements[which] * 2, elements[which][::-1], str(rng.randint(-(10**12), 10**12))]
                )
                segments[at] = separator.join(elements)
                text = terminator.join(segments)
        elif kind == 8 and len(segments) > 6:  # a claim payment's loop repeated
            starts = [i for i, s in enumerate(segments) if s.lstrip().startswith("CLP")]
            if starts:
                first = rng.choice(starts)
                end = next((i for i in starts if i > first), len(segments) - 1)
                segments[first:first] = segments[first:end]
                text = terminator.join(segments)
        elif kind == 9 and text:  # truncated
            text = text[: rng.randrange(len(text))]
    return text


def case_file(seed: int, case: int, workdir: Path) -> Path:
    rng = random.Random(f"{seed}:{case}")
    base = rng.choice(BASES)
    text = mutate(base.read_text(encoding="latin-1"), rng)
    path = workdir / f"case-{seed}-{case}.835"
    path.write_bytes(text.encode("latin-1", errors="replace") if rng.random() < 0.9 else text.encode("utf-8"))
    return path


def run(
    kind: str, *, seed: int, cases: int, workdir: Path, first: int = 0, log=None, stop_at: float | None = None
) -> Figures:
    """Post `cases` mutated files, each onto a fresh copy of the base ledger (stopping
    early at time.monotonic() `stop_at`, if given: the figures say how many ran)."""
    figures = Figures(kind=kind)
    copies = LedgerCopies(kind, workdir, durable=False)
    started = time.monotonic()
    try:
        copies.build(import_sample_claims)
        before = fingerprint(copies.base_url())
        ledger = copies.reusable("case")
        dirty = False
        for case in range(first, first + cases):
            if stop_at is not None and time.monotonic() > stop_at:
                break
            if dirty:
                ledger.reset()
            db = ledger.db
            path = case_file(seed, case, workdir)
            result = run_cli(db, "post", "era", str(path), "--posting-date", POSTING)
            path.unlink()
            code = result.exit_code
            figures.cases += 1
            figures.exits[code] += 1
            output = result.stdout + result.stderr
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            what = []
            if crashed or "Traceback" in output:
                figures.tracebacks += 1
                what.append(f"traceback {type(result.exception).__name__}: {result.exception}")
            if code not in (0, 1, 2):
                what.append(f"exit {code}: {output.strip().splitlines()[-1] if output.strip() else ''}")
            # Only a refused file needs the comparison; anything else may have posted.
            dirty = code != 2 or fingerprint(db) != before
            if code == 2 and dirty:
                figures.changed_when_refused += 1
                what.append("refused, yet the ledger changed")
            if what:
                figures.failures.append(f"{kind} seed {seed} case {case}: " + "; ".join(what))
                if log:
                    log(figures.failures[-1])
    finally:
        figures.seconds = time.monotonic() - started
        copies.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case", type=int, default=0, help="the first case")
    parser.add_argument("--cases", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--show", action="store_true", help="print the mutated file of --case and stop")
    parser.add_argument("--minutes", type=float, help="stop after this long, whatever --cases says")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ar-fuzz-") as tmp:
        if args.show:
            sys.stdout.write(case_file(args.seed, args.case, Path(tmp)).read_text(encoding="latin-1") + "\n")
            return 0
        stop_at = time.monotonic() + args.minutes * 60 if args.minutes else None
        figures = run(
            args.db, seed=args.seed, cases=args.cases, first=args.case, workdir=Path(tmp), log=print, stop_at=stop_at
        )
    print(figures.line())
    return 1 if figures.bad else 0


if __name__ == "__main__":
    sys.exit(main())
