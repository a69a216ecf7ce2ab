"""Golden output: `ar-cli era show FILE --format json` of every 835 that ../shared/x12's
MANIFEST.md lists, compared with tests/golden/era/ (issue #15 item 4).

Only our output is kept in the repository (the shared files are read in place); the
tests skip when ../shared is absent. A difference fails with its diff. When a change to
the reader or the EOB is meant, write the files again with `make golden`
(AR_GOLDEN_WRITE=1) and review their diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from conftest import SHARED
from support import Cli

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "era"
MANIFEST = SHARED / "x12" / "MANIFEST.md"
WRITE = os.environ.get("AR_GOLDEN_WRITE") == "1"
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not MANIFEST.is_file(), reason="../shared/x12/MANIFEST.md is not here"),
]


def manifest_835s() -> list[tuple[int, str]]:
    """(number, file name) of each row of the MANIFEST's 835 table. Rows may shorten a
    name with `…` (`LinuxForHealth__…__managed-care.835`): it stands for any text, and
    must match exactly one file of the folder."""
    if not MANIFEST.is_file():
        return []
    text = MANIFEST.read_text(encoding="utf-8")
    table = text.split("## 835 files", 1)[1].split("\n## ", 1)[0]
    names = sorted(p.name for p in MANIFEST.parent.iterdir() if p.is_file())
    found = []
    for number, written in re.findall(r"^\| (\d+) \| `([^`]+)`", table, re.M):
        pattern = re.compile(".*".join(re.escape(part) for part in written.split("…")) + r"\Z")
        matches = [name for name in names if pattern.match(name)]
        assert len(matches) == 1, f"MANIFEST #{number} `{written}` matches {matches}"
        found.append((int(number), matches[0]))
    return found


SAMPLES = manifest_835s()


def golden_path(number: int, name: str) -> Path:
    return GOLDEN / f"{number:02d}_{name}.json"


def era_json(tmp_path: Path, name: str):
    return Cli(str(tmp_path / "unused.sqlite"))("era", "show", str(MANIFEST.parent / name), "--format", "json")


@pytest.mark.parametrize("number,name", SAMPLES, ids=[f"#{n}" for n, _ in SAMPLES])
def test_era_show_json_matches_its_golden_file(tmp_path, number, name):
    result = era_json(tmp_path, name)
    path = golden_path(number, name)
    if result.exit_code != 0:  # only files the reader reads have a golden output
        assert not path.exists(), f"{name} no longer reads (exit {result.exit_code}): {result.output}"
        pytest.skip(f"#{number} does not read (exit {result.exit_code}): no golden output")
    if WRITE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
        return
    assert path.exists(), f"{path.name} is missing: `make golden` writes it (review the diff)"
    expected = path.read_text(encoding="utf-8")
    if result.stdout != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True),
                result.stdout.splitlines(True),
                f"golden/era/{path.name}",
                "ar-cli era show --format json",
                n=2,
            )
        )
        pytest.fail(
            f"era show output differs from {path.name} (`make golden` writes it again if meant):\n{diff[:6000]}",
            pytrace=False,
        )


def test_every_golden_file_is_a_manifest_835():
    """A golden file whose 835 left the MANIFEST (or was renamed) is not silently kept."""
    expected = {golden_path(number, name).name for number, name in SAMPLES}
    stale = sorted(p.name for p in GOLDEN.glob("*.json") if p.name not in expected)
    assert not stale, f"golden files for no MANIFEST 835: {stale}"
    assert SAMPLES, "the MANIFEST lists no 835"
