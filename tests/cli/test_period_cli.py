"""`ar-cli period close / list / reopen`: the close pack, every posting path refused in
a closed month (exit 2, one line, ledger unchanged), closing twice, reopening with a
reason — on SQLite and PostgreSQL."""

import hashlib
import json

import pandas as pd
import pytest

from conftest import REPO
from support import write_csv

SAMPLE = REPO / "sample_data"
HEADER = (SAMPLE / "claims.csv").read_text().splitlines()[0]
ROW_1 = (SAMPLE / "claims.csv").read_text().splitlines()[1]
CLOSED = (
    "error: --posting-date 2026-06-30: period 2026-06 is closed; post in an open period "
    "(the effective date says what it corrects), or reopen it: "
    "`ar-cli period reopen 2026-06 --reason TEXT`\n"
)


@pytest.fixture
def sample_cli(cli):
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    assert cli("post", "era", str(SAMPLE / "eras"), "--posting-date", "2026-06-30").exit_code == 1
    return cli


def _events(cli) -> int:
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    return int(result.stdout.split(" audit events")[0].split()[-1])


def _periods(cli) -> list[dict]:
    result = cli("period", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["periods"]


def test_close_writes_the_pack_and_every_posting_path_is_refused(sample_cli, tmp_path):
    cli = sample_cli
    # A held charge conflict (posted in July, an open month), to try accepting it into June.
    changed = ROW_1.replace(",145.00,", ",155.00,")
    conflict = cli(
        "claims", "import", str(write_csv(tmp_path / "fix.csv", HEADER, changed)), "--posting-date", "2026-07-01"
    )
    assert conflict.exit_code == 1, conflict.output
    packs = tmp_path / "packs"
    closed = cli("period", "close", "2026-06", "--output", str(packs))
    assert closed.exit_code == 0, closed.output
    folder = packs / "close-2026-06"
    assert closed.stdout.splitlines()[0].startswith("period 2026-06 closed (audit event ")
    assert closed.stdout.splitlines()[0].endswith(f"close pack in {folder}")
    # The pack: aging, ledger and remittances of June, each named in the manifest by its hash.
    manifest = json.loads((folder / "manifest.json").read_text())
    names = [f["file"] for f in manifest["files"]]
    assert names == [
        "aging_2026-06-30.csv",
        "ledger_2026-06-01_2026-06-30.csv",
        "remittances_2026-06-01_2026-06-30.csv",
    ]
    for item in manifest["files"]:
        assert hashlib.sha256((folder / item["file"]).read_bytes()).hexdigest() == item["sha256"]
    ledger = pd.read_csv(folder / names[1])
    aging = pd.read_csv(folder / names[0])
    total = round(ledger["amount"].sum() * 100)
    assert round(manifest["files"][1]["totals"]["amount"] * 100) == total
    assert round(float(aging[aging["kind"] == "total"]["total"].iloc[0]) * 100) == total == 3801555
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*names, "manifest.json", f"{names[1]}.manifest.json", f"{names[2]}.manifest.json"]
    )

    before = _events(cli)
    batch = write_csv(
        tmp_path / "deposit.csv",
        "claim_number,amount,payer,method,reference,date",
        "CLM100124,8.28,,card,R-5521,2026-06-29",
    )
    late = write_csv(
        tmp_path / "late.csv", HEADER, ROW_1.replace("CLM100001", "CLM900001").replace("CLM100001-1", "CLM900001-1")
    )
    june = ["--posting-date", "2026-06-30"]
    attempts = {
        "claims import": ["claims", "import", str(late), *june],
        "post era": ["post", "era", str(SAMPLE / "eras" / "05_medicare_20260619.835"), *june],
        # A directory: refused once, before any file is read (no summary, no line per file).
        "post era DIR": ["post", "era", str(SAMPLE / "eras"), *june],
        "post era --dry-run": ["post", "era", str(SAMPLE / "eras"), "--dry-run", *june],
        "post era (no such file)": ["post", "era", str(tmp_path / "missing.835"), *june],
        "post batch (no such file)": ["post", "batch", str(tmp_path / "missing.csv"), "--deposit-total", "1", *june],
        "post payment": [
            "post",
            "payment",
            "CLM100080",
            "--payer",
            "MCR01",
            "--amount",
            "5.00",
            "--method",
            "check",
            "--reference",
            "771203",
            "--date",
            "2026-06-24",
            *june,
        ],
        "post batch": ["post", "batch", str(batch), "--deposit-total", "8.28", *june],
        "unapplied apply": ["unapplied", "apply", "3", "--claim", "CLM100009", "--amount", "1.00", *june],
        "exceptions apply": ["exceptions", "apply", "1", "--claim", "CLM100009", *june],
        "exceptions resolve --accept": ["exceptions", "resolve", "2", "--accept", "--note", "late fix", *june],
    }
    for name, args in attempts.items():
        result = cli(*args)
        assert (result.exit_code, result.stderr, result.stdout) == (2, CLOSED, ""), f"{name}: {result.output}"
    assert _events(cli) == before  # nothing written, and the chain and balances verify
    # The month after is open: the same payment posts there.
    july = cli(*attempts["post payment"][:-2], "--posting-date", "2026-07-01")
    assert july.exit_code == 0, july.output


def test_close_twice_is_refused_and_reopen_needs_a_reason(sample_cli, tmp_path):
    cli = sample_cli
    packs = str(tmp_path / "packs")
    assert cli("period", "close", "2026-06", "--output", packs).exit_code == 0
    again = cli("period", "close", "2026-06", "--output", packs)
    assert again.exit_code == 2
    assert again.stderr.startswith("error: period 2026-06 is already closed (on ")
    assert again.stderr.endswith("by tester); `ar-cli period reopen` it first to close it again\n")
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == ["close-2026-06"]
    no_reason = cli("period", "reopen", "2026-06")
    assert (no_reason.exit_code, no_reason.stderr) == (
        2,
        "error: period reopen: --reason is empty; say why the month is reopened\n",
    )
    assert cli("period", "reopen", "2026-05", "--reason", "x").stderr == "error: period 2026-05 is not closed\n"
    reopened = cli("period", "reopen", "2026-06", "--reason", "late Medicare recoupment")
    assert reopened.exit_code == 0 and reopened.stdout.startswith("period 2026-06 reopened (audit event ")
    pay = cli(
        "post",
        "payment",
        "CLM100080",
        "--payer",
        "MCR01",
        "--amount",
        "5.00",
        "--method",
        "check",
        "--reference",
        "9",
        "--date",
        "2026-06-24",
        "--posting-date",
        "2026-06-30",
    )
    assert pay.exit_code == 0, pay.output
    assert cli("period", "close", "2026-06", "--output", packs).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == ["close-2026-06", "close-2026-06.2"]
    periods = _periods(cli)
    assert [(p["period"], p["status"], p["reason"]) for p in periods] == [
        ("2026-06", "reopened", "late Medicare recoupment"),
        ("2026-06", "closed", ""),
    ]
    audit = cli("export", "audit", "--from", "2000-01-01", "--to", "2100-12-31", "--output", str(tmp_path / "a.csv"))
    assert audit.exit_code == 0
    events = pd.read_csv(tmp_path / "a.csv", dtype=str)
    reopen = events[events["action"] == "period.reopen"]
    assert len(reopen) == 1 and json.loads(reopen["details"].iloc[0])["reason"] == "late Medicare recoupment"
    assert (events["action"] == "period.close").sum() == 2


@pytest.mark.parametrize(
    "args,message",
    [
        (["2026-13"], "error: period '2026-13' is not a month (YYYY-MM, e.g. 2026-06)\n"),
        (["June"], "error: period 'June' is not a month (YYYY-MM, e.g. 2026-06)\n"),
        (["2999-01"], "error: period 2999-01 has not begun; only a month that has begun can be closed\n"),
        (
            ["2026-06", "--output", "{tmp}/file.txt/packs"],
            "error: --output {tmp}/file.txt/packs: cannot create the folder: Not a directory\n",
        ),
        (["2026-06", "--output", "{tmp}/file.txt"], "error: --output {tmp}/file.txt: is a file, not a folder\n"),
    ],
)
def test_bad_close_changes_nothing(cli, tmp_path, args, message):
    (tmp_path / "file.txt").write_text("x")
    result = cli("period", "close", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert (result.exit_code, result.stderr) == (2, message.replace("{tmp}", str(tmp_path)))
    assert _periods(cli) == []
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.sqlite")] == ["file.txt"]


def test_default_pack_folder(cli, tmp_path):
    result = cli("period", "close", "2026-06")
    if "://" in cli.db:  # PostgreSQL: no folder beside the ledger
        assert (result.exit_code, result.stderr) == (
            2,
            "error: period close: a PostgreSQL ledger has no folder beside it; give --output DIR for the close pack\n",
        )
        assert _periods(cli) == []
    else:
        assert result.exit_code == 0, result.output
        assert (tmp_path / "close-packs" / "close-2026-06" / "manifest.json").is_file()
        assert [p["status"] for p in _periods(cli)] == ["closed"]
