"""The inputs of the differential test: each scenario posts files into one new ledger
through the CLI (as a user would), and returns what each command exited with.

- shared: every 835 of ../shared/x12 that reads (the ones tests/golden/era holds a golden
  for), in MANIFEST order, each posted on its own with --create-claims (as
  tests/services/era/test_era_posting.py posts them): balanced, unbalanced (rejected),
  notification-only, reversal pairs, PLBs, copies of the same remittance (skipped).
- demo: the sample practice as `make demo` loads it (claims, then sample_data/eras:
  crossovers, reversals, PLB interest and recoupment, an unmatched claim).
- generated-S: benchmarks/make_large_835.py with seed S (deterministic: the same seed
  writes the same bytes): claims imported, then the 835 posted; payments, CO-45
  write-downs, PR-1/PR-2, paid in full, CO-97/CO-16 line denials.
- generated-S-followup: the same, then a second remittance from the same payer
  (followup.py): reversals with corrections, a reversal alone, a denial paid on appeal,
  payments of claims already paid (a second payment) and PLB interest and recoupment.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, SHARED

POSTING_DATE = "2026-06-30"
GOLDEN_ERA = Path(__file__).resolve().parents[1] / "golden" / "era"
GENERATED_CLAIMS = 120

Run = Callable[..., object]


def shared_835s() -> list[Path]:
    """The shared 835s that read today, in MANIFEST order (named by tests/golden/era)."""
    names = sorted(GOLDEN_ERA.glob("*.json"))
    return [SHARED / "x12" / p.name.split("_", 1)[1].removesuffix(".json") for p in names]


def _exit(result: object) -> int:
    return int(getattr(result, "exit_code", 0))


def _post(run: Run, *files: Path, create: bool = False) -> str:
    args = ["post", "era", *(str(f) for f in files), "--posting-date", POSTING_DATE]
    if create:
        args.append("--create-claims")
    return f"post era {' '.join(f.name for f in files)}: exit {_exit(run(*args))}"


def _import_claims(run: Run, path: Path) -> str:
    result = run("claims", "import", str(path), "--posting-date", POSTING_DATE)
    return f"claims import {path.name}: exit {_exit(result)}"


def shared(run: Run, folder: Path) -> list[str]:
    return [_post(run, path, create=True) for path in shared_835s()]


def demo(run: Run, folder: Path) -> list[str]:
    sample = REPO / "sample_data"
    return [_import_claims(run, sample / "claims.csv"), _post(run, sample / "eras")]


def _make_large_835():
    spec = importlib.util.spec_from_file_location("make_large_835", REPO / "benchmarks" / "make_large_835.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated(seed: int, followup: bool) -> Callable[[Run, Path], list[str]]:
    def build(run: Run, folder: Path) -> list[str]:
        csv_path, remit = _make_large_835().generate(GENERATED_CLAIMS, folder / "in", seed)
        log = [_import_claims(run, csv_path), _post(run, remit)]
        if followup:
            from differential.followup import write_followup

            log.append(_post(run, write_followup(remit, folder / "in" / "followup.835", seed)))
        return log

    return build


SCENARIOS: dict[str, Callable[[Run, Path], list[str]]] = {"shared": shared, "demo": demo}
SCENARIOS["generated-835"] = generated(835, followup=False)
SCENARIOS["generated-7-followup"] = generated(7, followup=True)
