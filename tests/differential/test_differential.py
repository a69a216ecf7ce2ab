"""The differential test of posting (issue #16): each scenario (scenarios.py) is posted
into a new ledger on SQLite and on PostgreSQL with the code under test, and its facts
(dump.py: entries, balances, claim payments, denials, unapplied money, remittances,
exceptions, the CSV exports and aging) must equal, byte for byte, the golden text
captured from the release before the posting path and the ledger's tables were rebuilt
(tests/differential/golden/).

The clock is fixed (time-machine, not ticking) and every command posts on 2026-06-30, so
a run gives the same text on any day. When a change in what posting writes is meant,
`make golden-differential` (AR_GOLDEN_WRITE=1) writes the goldens again from SQLite (and
compares PostgreSQL with them): review their diff before committing it.
"""

from __future__ import annotations

import difflib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from conftest import SHARED
from differential.dump import export_facts, table_facts
from differential.scenarios import SCENARIOS
from support import Cli

GOLDEN = Path(__file__).resolve().parent / "golden"
WRITE = os.environ.get("AR_GOLDEN_WRITE") == "1"
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # the morning after the posting date


def ledger_text(db: str, scenario: str, folder: Path) -> str:
    cli = Cli(db)
    with time_machine.travel(NOW, tick=False):
        log = SCENARIOS[scenario](cli, folder)
        lines = [f"# differential golden: scenario {scenario}", "== commands", *log]
        lines += table_facts(db)
        lines += export_facts(db, cli, folder / "exports")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_posting_leaves_the_golden_ledger(ledger_url, tmp_path, scenario):
    if scenario == "shared" and not (SHARED / "x12").is_dir():
        pytest.skip("../shared/x12 is not beside the project")
    text = ledger_text(ledger_url, scenario, tmp_path)
    path = GOLDEN / f"{scenario}.txt"
    if WRITE and "://" not in ledger_url:  # written from SQLite; PostgreSQL compares with it
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path.name} is missing: `make golden-differential` writes it (review the diff)"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        where = first_difference(expected, text)
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), f"golden/{path.name}", "this code", n=1
            )
        )
        pytest.fail(
            f"{scenario}: the ledger differs from golden/{path.name}, first in {where}:\n{diff[:8000]}", pytrace=False
        )


def first_difference(expected: str, actual: str) -> str:
    """The section (its `== ` title) and line of the first line that differs."""
    section = "the commands"
    for number, (old, new) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False), 1):
        if old != new:
            return f"{section} (line {number})"
        if old.startswith("== "):
            section = old[3:]
    return f"{section} (one text is longer)"


def test_every_golden_is_a_scenario():
    stale = sorted(p.name for p in GOLDEN.glob("*.txt") if p.stem not in SCENARIOS)
    assert not stale, f"goldens of no scenario: {stale}"
