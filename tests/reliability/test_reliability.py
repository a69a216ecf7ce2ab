"""The reliability suite's CI part (issue #14 item 9): a few seeded trials of each, on
SQLite and PostgreSQL. `make reliability` runs the long version (reliability/long_run.py)
and prints its figures; the README keeps the last ones.

- `claims import` and `post era` killed with SIGKILL at random moments: no file half in
  the ledger, `audit verify` clean, a re-run lands each cent once;
- four concurrent writers: nothing lost or doubled, no "database is locked" reaching a user;
- mutated 835s through `post era`: no traceback, exit 0, 1 or 2, a refused file changes nothing.
"""

from __future__ import annotations

import pytest

from reliability import concurrent_writers, fuzz_835, kill_trials

pytestmark = pytest.mark.reliability


def test_killed_imports_and_postings_leave_no_half_file(pg_server, tmp_path):
    figures = kill_trials.run(["sqlite", "postgres"], trials=4, seed=1, workdir=tmp_path)
    print(figures.line())
    assert figures.failures == [] and figures.bad == 0
    assert figures.trials == 4 and figures.by[("sqlite", "post era")] == 1
    assert figures.by[("postgres", "claims import")] == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_four_concurrent_writers_lose_nothing_double_nothing_and_never_fail(request, kind, tmp_path):
    if kind == "postgres":
        request.getfixturevalue("pg_server")
    figures = concurrent_writers.run(kind, count=10, workdir=tmp_path)
    print(figures.line())
    assert figures.errors == [] and figures.bad == 0
    assert figures.posted == 40 and dict(figures.exits) == {0: 40}


@pytest.mark.parametrize("kind,cases", [("sqlite", 60), ("postgres", 40)])
def test_mutated_835s_exit_0_1_or_2_and_a_refused_file_changes_nothing(request, kind, cases, tmp_path):
    """Seed 1, cases 0–59: case 38 (a CAS reason code of 15 characters) exited 70 on
    PostgreSQL before the reader refused codes longer than X12's five."""
    if kind == "postgres":
        request.getfixturevalue("pg_server")
    figures = fuzz_835.run(kind, seed=1, cases=cases, workdir=tmp_path)
    print(figures.line())
    assert figures.failures == [] and figures.bad == 0
    assert figures.cases == cases and {0, 1, 2} <= set(figures.exits)  # the cases reach every outcome


def test_fuzz_case_a_rejected_remittance_then_the_same_key(tmp_path):
    figures = fuzz_835.run("sqlite", seed=2, cases=1, first=195, workdir=tmp_path)
    assert figures.failures == [] and figures.bad == 0


def test_fuzz_case_a_bpr16_longer_than_a_date_on_postgres(pg_server, tmp_path):
    figures = fuzz_835.run("postgres", seed=14, cases=1, first=996, workdir=tmp_path)
    assert figures.failures == [] and figures.bad == 0


def test_forcing_a_rejected_remittance_posts_it(sqlite_cli, tmp_path):
    from conftest import REPO

    assert (
        sqlite_cli(
            "claims", "import", str(REPO / "sample_data" / "claims.csv"), "--posting-date", "2026-06-30"
        ).exit_code
        == 0
    )
    original = (REPO / "sample_data" / "eras" / "03_medigap_20260529.835").read_text()
    assert "BPR*I*1286.16*" in original
    unbalanced = tmp_path / "unbalanced.835"
    unbalanced.write_text(original.replace("BPR*I*1286.16*", "BPR*I*1286.17*"))
    first = sqlite_cli("post", "era", str(unbalanced), "--posting-date", "2026-06-30")
    assert first.exit_code == 1 and "rejected" in first.stdout + first.stderr
    forced = sqlite_cli("post", "era", str(unbalanced), "--posting-date", "2026-06-30", "--force")
    assert forced.exit_code == 1, forced.stderr
