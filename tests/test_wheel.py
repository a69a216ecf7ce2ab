"""The installed package works (issue #14 item 7): a wheel built from the sources installs
into a fresh virtual environment and runs — a ledger created by a writing command, the
sample practice imported and its remittances posted, the audit clean — with no
`ar_cli.migrations` missing (the revisions ship as package data) and no setuptools
deprecation warning printed by the build.

Slow-ish (~1 min: a build, a venv, dependencies from pip's cache): marked `wheel`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ["pyproject.toml", "README.md", "ar_cli", "migrations"]

pytestmark = pytest.mark.wheel


def _run(*cmd, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """The wheel, built from a copy of the tracked sources (as from a clean clone), and
    what the build printed."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        item = REPO / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(item, src / name)
    done = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", tmp / "dist", src, cwd=tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (tmp / "dist").glob("ar_cli-*.whl")
    return wheel, done.stdout + done.stderr


def test_the_build_prints_no_deprecation_warning(built):
    _wheel, output = built
    # setuptools' own warnings (the licence table, any other deprecation of ours); pip's
    # notes about the machine's indexes are not the project's business.
    assert "BuildBackendWarning" not in output and "SetuptoolsDeprecationWarning" not in output, output
    assert "project.license" not in output, output


def test_the_wheel_holds_every_package_and_the_revisions(built):
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"ar_cli/{p.relative_to(REPO / 'ar_cli').as_posix()}" for p in (REPO / "ar_cli").rglob("__init__.py")}
    expected |= {"ar_cli/migrations/env.py", "ar_cli/migrations/script.py.mako"}
    expected |= {f"ar_cli/migrations/versions/{p.name}" for p in (REPO / "migrations" / "versions").glob("*.py")}
    assert expected <= names, sorted(expected - names)
    assert not any("tools/" in n or n.endswith(".sh") for n in names)  # developer aids stay in the checkout


def test_the_installed_wheel_imports_the_sample_practice(built, tmp_path):
    wheel, _ = built
    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path).returncode == 0
    python = venv / "bin" / "python"
    # This interpreter's pip installs into the new environment (no pip bootstrap there);
    # dependencies come from the index pip is configured with, through pip's cache.
    done = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        wheel,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ar = [venv / "bin" / "ar-cli", "--db", tmp_path / "ledger.sqlite", "--user", "wheel"]
    sample = REPO / "sample_data"
    # Run from an empty folder, so nothing of the checkout can be found by accident.
    work = tmp_path / "elsewhere"
    work.mkdir()
    located = _run(python, "-c", "import ar_cli; print(ar_cli.__file__)", cwd=work)
    assert str(venv) in located.stdout, located.stdout + located.stderr
    imported = _run(*ar, "claims", "import", sample / "claims.csv", "--posting-date", "2026-06-30", cwd=work)
    assert imported.returncode == 0, imported.stderr
    posted = _run(*ar, "post", "era", sample / "eras", "--posting-date", "2026-06-30", cwd=work)
    assert posted.returncode == 1, posted.stderr  # the sample's one unmatched claim: an exception to work
    assert "1 exception(s) to work" in " ".join((posted.stdout + posted.stderr).split())  # lines wrap at 80
    assert _run(*ar, "audit", "verify", cwd=work).returncode == 0
    revision = _run(*ar, "db", "current", cwd=work)
    assert revision.returncode == 0 and "up to date" in revision.stdout, revision.stdout + revision.stderr
