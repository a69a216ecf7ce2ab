"""The duplicates gate of `make lint`: fails on a pair of places in ar_cli/ that share six
or more lines when the pair is not in .ci/duplicates-baseline.txt.

The pairs that stood when the gate came in are that baseline, so only new repetition
fails. A pair is named by its two files (sorted), not by line numbers, so that edits
elsewhere in a file do not move it; a rename shows up as a new pair. Rows the
`duplicates` command marks boilerplate (thin, shape-only sameness) do not count.

  python .ci/duplicates_gate.py           check
  python .ci/duplicates_gate.py --update  rewrite the baseline (after a reviewed change)

`duplicates` is a developer tool that may be missing (a CI machine): then this says so
and passes. It always exits 0 itself; what it prints is read here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = "ar_cli"
BASELINE = ROOT / ".ci" / "duplicates-baseline.txt"
ROW = re.compile(r"^D\d+ (?P<a>\S+):\d+-\d+ ~ (?P<b>\S+):\d+-\d+(?P<rest>.*)$")
HEADER = """\
# Pairs of files in ar_cli/ that share six or more lines (`duplicates --repo ar_cli`),
# boilerplate rows left out: the ones that stood when the gate came in, or were reviewed
# since. `make lint` fails on a pair not listed. Rewrite with `make duplicates-baseline`.
"""


def current_pairs() -> tuple[dict[str, str], list[str]]:
    """Each counted pair's key and its row; the lines that say the reading was partial."""
    out = subprocess.run(
        ["duplicates", "--repo", TREE, "--most", "200", "--seconds", "60"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    pairs: dict[str, str] = {}
    partial: list[str] = []
    for line in out.splitlines():
        if line.startswith("incomplete:") or re.match(r"^\(\+\d+ more pairs\)", line):
            partial.append(line)
        found = ROW.match(line)
        if found is None or "boilerplate" in found["rest"]:
            continue
        pairs.setdefault(" ~ ".join(sorted((found["a"], found["b"]))), line)
    return pairs, partial


def main(argv: list[str]) -> int:
    if shutil.which("duplicates") is None:
        print("duplicates: the command is not installed here; gate skipped")
        return 0
    pairs, partial = current_pairs()
    for line in partial:
        print(f"duplicates: {line} (the gate judged only what was read)")
    if argv[1:] == ["--update"]:
        BASELINE.write_text(HEADER + "".join(f"{key}\n" for key in sorted(pairs)))
        print(f"duplicates: baseline rewritten, {len(pairs)} pairs")
        return 0
    known = {line.strip() for line in BASELINE.read_text().splitlines() if line.strip() and not line.startswith("#")}
    new = sorted(set(pairs) - known)
    gone = sorted(known - set(pairs))
    if gone:
        print(f"duplicates: {len(gone)} baseline pair(s) no longer found (drop them with make duplicates-baseline):")
        print("".join(f"  {key}\n" for key in gone), end="")
    if new:
        print(f"duplicates: {len(new)} new pair(s) of places sharing 6+ lines in {TREE}/ (a place to look;")
        print("  call the one piece from both, or, once reviewed, accept with make duplicates-baseline):")
        print("".join(f"  {pairs[key]}\n" for key in new), end="")
        return 1
    print(f"duplicates: no new pairs ({len(pairs)} known)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
