"""Which modules `ar-cli post era` loads: the sample practice's claims are imported into a
fresh ledger (a child process), then `post era sample_data/eras` runs in this process and
the modules it brought into sys.modules are counted: all of them, ar-cli's own, and the
ar-cli packages those span.

    .venv/bin/python benchmarks/post_era_modules.py [--list]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    listing = "--list" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "ledger.sqlite")
        subprocess.run(
            [
                str(Path(sys.executable).parent / "ar-cli"),
                "--db",
                db,
                "claims",
                "import",
                str(ROOT / "sample_data" / "claims.csv"),
                "--posting-date",
                "2026-06-30",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        before = set(sys.modules)
        from ar_cli.cli.main import run

        sys.argv = [
            "ar-cli",
            "--db",
            db,
            "post",
            "era",
            str(ROOT / "sample_data" / "eras"),
            "--posting-date",
            "2026-06-30",
        ]
        out = sys.stdout
        try:
            sys.stdout = open(Path(tmp) / "out.txt", "w")  # noqa: SIM115 (the command's summary, not ours)
            run()
        except SystemExit:
            pass
        finally:
            sys.stdout.close()
            sys.stdout = out
    loaded = sorted(set(sys.modules) - before)
    ours = [m for m in loaded if m == "ar_cli" or m.startswith("ar_cli.")]
    packages = sorted(m for m in ours if hasattr(sys.modules[m], "__path__"))
    print(f"post era loaded {len(loaded)} modules, {len(ours)} of them ar-cli's, in {len(packages)} packages")
    if listing:
        print("\n".join(ours))


if __name__ == "__main__":
    main()
