"""Every command that writes a file, run against a ledger whose names and codes are
spreadsheet formulas: no CSV cell may start one, no workbook cell may be one.

Payer names (from a charge file, an 835's N1*PR and `payers set --name`), payer codes,
claim and account numbers, patient names, member ids, line control numbers, user names
and notes all start with `=`, `+`, `-`, `@`, a tab or a carriage return. Each command
found in the command tree with an `--output` option must be listed in RUNS, so a new
writing command fails here until it is covered.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.main import get_command

from ar_cli.cli.main import app
from support import CLAIMS_HEADER

HYPERLINK = '=HYPERLINK("http://x","click")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A cell may start with a trigger only as a number (an amount) or as a claim number kept
# text the Excel way (="00123"): anything else would be run as a formula.
SAFE_START = re.compile(r'^-?\d+(\.\d+)?$|^="[\d\s.,:/+\-eE]*"$')
AS_OF = "2026-06-30"
RANGE = ["--from", "2026-06-01", "--to", "2026-06-30"]

CLAIMS = [
    [
        "=1+2",
        "@SUM(A1)",
        f"{HYPERLINK}, JANE",
        "1950-02-03",
        "+1",
        HYPERLINK,
        "2026-05-01",
        "2026-05-03",
        "99213",
        "",
        "1",
        "145.00",
        "-2",
        "",
        "",
        "",
        "@x",
    ],
    [
        "-2",
        "+ACC",
        "+DOE, -JOHN",
        "1950-02-03",
        "-PAY",
        "-2",
        "2026-05-01",
        "2026-05-03",
        "99214",
        "",
        "1",
        "100.00",
        "=M",
        "",
        "",
        "",
        "-LC",
    ],
    [
        "@x",
        "=ACC",
        "@ROE, =R",
        "",
        "@P",
        "@payer",
        "2026-06-01",
        "2026-06-02",
        "99203",
        "",
        "1",
        "80.00",
        "+7",
        "",
        "",
        "",
        "",
    ],
]
# Pays nothing it can match (the payer is not on the claim): an exception, unapplied
# money and a new payer named by the 835 itself.
ERA = (
    "ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*PRACTICE       *250301*0900*^*00501*000000302*0*T*:~"
    "GS*HP*PAYERSENDER*PRACTICE*20250301*0900*302*X*005010X221A1~ST*835*0302~"
    "BPR*C*80.00*C*CHK************20260305~TRN*1*-CHK301*1999999999~DTM*405*20260301~"
    f"N1*PR*{HYPERLINK}*XV*+EVIL~N1*PE*@CLINIC*XX*1999999984~LX*1~"
    "CLP*=1+2*1*100.00*80.00*20.00*12*-PCN3001*11*1~NM1*QC*1*@TESTER*=PAT****MI*-MEM0001~"
    "SVC*HC:99213*100.00*80.00**1~DTM*472*20260220~CAS*PR*1*20.00~REF*6R*@LC1~SE*14*0302~GE*1*302~"
    "IEA*1*000000302~"
)


def _writing_commands(command, path=()):
    """Every command (or group callback, like `aging`) that takes --output."""
    if any("--output" in getattr(p, "opts", ()) for p in command.params):
        yield " ".join(path)
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _writing_commands(sub, (*path, name))


def _runs(tmp: Path, era: Path) -> dict[str, list[list[str]]]:
    out = str(tmp / "out")

    def fmts(name: str, *args: str, phi: bool = True, formats=("csv", "json", "table")) -> list[list[str]]:
        runs = [[*args, "--format", f, "--output", f"{out}/{name}.{f}.{'txt' if f == 'table' else f}"] for f in formats]
        if phi:
            runs += [[*args, "--format", "csv", "--include-phi", "--output", f"{out}/{name}.phi.csv"]]
        return runs

    exports = [["ledger"], ["claims"], ["remittances"], ["denials"], ["audit"]]
    return {
        "export": [[*kind, *RANGE, "--output", f"{out}/"] for kind in exports]
        + [[*kind, *RANGE, "--include-phi", "--output", f"{out}/phi-{kind[0]}.xlsx"] for kind in exports]
        + [[*kind, *RANGE, "--include-phi", "--output", f"{out}/phi-{kind[0]}.csv"] for kind in exports],
        "kpis": fmts("kpis", "--to", AS_OF, phi=False) + fmts("kpis-rows", "--to", AS_OF, "--rows", phi=False),
        "queue": fmts("queue", "--as-of", AS_OF, "--limit", "0"),
        "claims list": fmts(
            "claims",
        ),
        "claims show": fmts("claim", "=1+2"),
        "payers list": fmts("payers"),
        "config list": fmts("config", phi=False),
        "exceptions list": fmts("exceptions"),
        "codes show": fmts("codes", "CO-45", "=1", phi=False),
        "era show": fmts("era", str(era)),
        "aging": [
            a
            for by in ("payer", "patient", "claim")
            for a in fmts(f"aging-{by}", "--as-of", AS_OF, "--by", by, formats=("csv", "json", "table", "xlsx"))
        ]
        + [["--as-of", AS_OF, "--by", "claim", "--include-phi", "--output", f"{out}/aging-phi.xlsx"]],
        "aging trend": fmts("trend", formats=("csv", "json", "table", "xlsx")),
        "unapplied list": fmts("unapplied"),
        "denials list": fmts("denials"),
        "denials show": fmts("denial", "@x"),
        "denials trends": fmts("denial-trends"),
        "denials flags": fmts("denial-flags", "--as-of", AS_OF),
        "audit verify": fmts("audit", phi=False),
        "period close": [["2026-06", "--output", f"{out}/packs"]],
        "period list": fmts("periods", phi=False),
        "report nightly": [["--output", f"{out}/nightly", "--as-of", AS_OF]],
        "users list": fmts("users"),
    }


@pytest.fixture
def hostile(cli, tmp_path):
    claims = tmp_path / "claims.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CLAIMS_HEADER.split(","))
    writer.writerows(CLAIMS)
    claims.write_text(buffer.getvalue(), encoding="utf-8")
    era = tmp_path / "hostile.835"
    era.write_text(ERA)
    steps = [
        ("claims", "import", str(claims), "--posting-date", AS_OF),
        ("post", "era", str(era), "--posting-date", AS_OF),
        # Names a charge file would have trimmed, set by hand: a tab and a carriage return.
        ("payers", "set", "@P", "--name", "\t=1+1"),
        ("payers", "set", "--name", "\r@SUM(1)", "--", "-PAY"),
        ("users", "add", "maria", "--full-name", "=cmd|' /C calc'!A0"),
        ("assign", "=1+2", "--to", "maria"),
        ("note", "=1+2", "@ and a note"),
        (
            "post",
            "payment",
            "@x",
            "--payer",
            "@P",
            "--amount",
            "10.00",
            "--method",
            "check",
            "--reference",
            "=REF",
            "--adjust",
            "CO-50=70.00",
            "--date",
            AS_OF,
            "--posting-date",
            AS_OF,
        ),
        ("aging", "snapshot", "--as-of", AS_OF),
    ]
    for step in steps:
        result = cli(*step)
        assert result.exit_code in (0, 1), (step, result.output)
    return cli, era


def test_every_command_that_writes_a_file_is_covered(tmp_path):
    assert set(_writing_commands(get_command(app))) == set(_runs(tmp_path, tmp_path / "x.835"))


def test_no_written_cell_is_a_formula(hostile, tmp_path):
    cli, era = hostile
    (tmp_path / "out").mkdir()
    for command, runs in _runs(tmp_path, era).items():
        for args in runs:
            result = cli(*command.split(), *args)
            assert result.exit_code in (0, 1), (command, args, result.output)
            target = args[args.index("--output") + 1]
            folder = command in ("period close", "report nightly") or target.endswith("/")
            assert Path(target).is_dir() if folder else Path(target).is_file(), (command, args)
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    spreadsheets = [p for p in written if p.suffix in (".csv", ".xlsx")]
    assert len(spreadsheets) > 60
    in_csv = in_xlsx = ""
    for path in spreadsheets:
        if path.suffix == ".xlsx":
            in_xlsx += "\n".join(_workbook_text(path)) + "\n"
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:  # keep a CR inside a cell
            rows = list(csv.reader(handle))
        for row, cells in enumerate(rows, 1):
            for cell in cells:
                in_csv += cell + "\n"
                if cell.startswith(TRIGGERS):
                    assert SAFE_START.match(cell), f"{path.relative_to(tmp_path)} row {row}: {cell!r}"
    # Not vacuous: the hostile names reached the files, guarded in CSV ...
    for text in ("'" + HYPERLINK, "'\t=1+1", "'\r@SUM(1)", "'@P", "'=1+2", "'+EVIL", "'=cmd|", "'-2"):
        assert text in in_csv, text
    # ... and in workbooks as the text itself, no quote added (an XML reader gives a CR
    # back as a line feed).
    for text in (HYPERLINK, "\t=1+1", "\n@SUM(1)", "+EVIL", "=1+2", "-2"):
        assert "\n" + text + "\n" in in_xlsx, text
    for path in [p for p in written if p.suffix == ".json"]:
        json.loads(path.read_text())


def _workbook_text(path: Path) -> list[str]:
    """Every text cell of a workbook, after checking that no cell is a formula."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                xml = book.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"{path.name}: a formula"
    text = []
    for row in load_workbook(path).active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{path.name} {cell.coordinate}: {cell.value!r} is a formula"
            if isinstance(cell.value, str):
                text.append(cell.value)
    return text
