"""`ar-cli unapplied list / apply` and `ar-cli exceptions apply`: output, exit codes, messages."""

import json

import pytest

from conftest import REPO
from support import CLAIMS_HEADER, write_csv

SAMPLE = REPO / "sample_data"


@pytest.fixture
def sample_cli(cli):
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    assert cli("post", "era", str(SAMPLE / "eras"), "--posting-date", "2026-06-30").exit_code == 1
    return cli


def _rows(cli, *args):
    result = cli("unapplied", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _held_id(cli) -> str:
    (row,) = _rows(cli)["unapplied"]
    return row["id"]


def test_list_shows_acme_162_10_open(sample_cli):
    table = sample_cli("unapplied", "list", "--payer", "ACM01")
    assert table.exit_code == 0, table.output
    assert "unmatched_claim" in table.stdout and "CLM200417" in table.stdout and "$162.10" in table.stdout
    data = _rows(sample_cli, "--payer", "ACM01")
    assert [(r["payer"], r["reason"], r["open"]) for r in data["unapplied"]] == [("ACM01", "unmatched_claim", 162.10)]
    assert data["totals"]["open"] == 162.10
    assert len(_rows(sample_cli, "--all")["unapplied"]) == 3
    assert _rows(sample_cli, "--payer", "MCR01")["unapplied"] == []


def test_apply_then_nothing_open(sample_cli):
    held = _held_id(sample_cli)
    part = sample_cli(
        "unapplied", "apply", held, "--claim", "CLM100009", "--amount", "62.10", "--posting-date", "2026-06-30"
    )
    assert part.exit_code == 0, part.output
    assert part.stdout == (
        f"unapplied entry {held}: 62.10 from ACM01 applied to claim CLM100009 (coverage 1); 100.00 still open\n"
    )
    rest = sample_cli("unapplied", "apply", held, "--claim", "CLM100018", "--posting-date", "2026-06-30")
    assert rest.exit_code == 0 and "100.00 from ACM01" in rest.stdout and "0.00 still open" in rest.stdout
    assert _rows(sample_cli)["unapplied"] == []
    again = sample_cli("unapplied", "apply", held, "--claim", "CLM100018")
    assert again.exit_code == 2 and again.stderr == f"error: unapplied entry {held} is already fully applied\n"


@pytest.mark.parametrize(
    "args,message",
    [
        (["999", "--claim", "CLM100009"], "error: unapplied entry 999 does not exist\n"),
        (
            ["HELD", "--claim", "CLM100001"],
            "error: claim CLM100001 has no coverage with payer ACM01; "
            "unapplied money from ACM01 applies only to that payer's claims\n",
        ),
        (["HELD", "--claim", "NOPE"], "error: claim 'NOPE' is not in the ledger\n"),
        (["HELD", "--claim", "CLM100009", "--amount", "0"], "error: --amount must be more than 0 (got 0.00)\n"),
        (["HELD", "--claim", "CLM100009", "--amount", "abc"], "error: --amount: 'abc' is not an amount\n"),
        (
            ["HELD", "--claim", "CLM100009", "--amount", "500"],
            "error: --amount 500.00 is more than the 162.10 still open on unapplied entry HELD\n",
        ),
    ],
)
def test_bad_apply_is_exit_2_and_changes_nothing(sample_cli, args, message):
    held = _held_id(sample_cli)
    args = [held if a == "HELD" else a for a in args]
    result = sample_cli("unapplied", "apply", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == message.replace("HELD", held)
    assert [r["open"] for r in _rows(sample_cli)["unapplied"]] == [162.10]


def test_exceptions_apply(sample_cli, tmp_path):
    (exception,) = json.loads(sample_cli("exceptions", "list", "--format", "json").stdout)["exceptions"]
    early = sample_cli("exceptions", "apply", exception["id"], "--claim", "CLM200417")
    assert early.exit_code == 2 and early.stderr == "error: claim 'CLM200417' is not in the ledger\n"
    late = write_csv(
        tmp_path / "late.csv",
        CLAIMS_HEADER,
        'CLM200417,PT20417,"Latecomer, Lee",1980-01-01,ACM01,Acme Health Plan,2026-04-20,2026-04-22,'
        "99214,,1,210.00,AHP26041515878,,,,CLM200417-1",
    )
    assert sample_cli("claims", "import", str(late), "--posting-date", "2026-06-30").exit_code == 0
    done = sample_cli("exceptions", "apply", exception["id"], "--claim", "CLM200417", "--posting-date", "2026-06-30")
    assert done.exit_code == 0, done.output
    assert done.stdout == (
        f"exception {exception['id']} applied: the claim payment from ACM01 posted onto claim "
        "CLM200417 (coverage 1): paid 162.10, written down 47.90, to patient 0.00, to next payer "
        "0.00, left denied 0.00\n"
    )
    assert _rows(sample_cli)["unapplied"] == []
    assert json.loads(sample_cli("exceptions", "list", "--format", "json").stdout)["exceptions"] == []
    again = sample_cli("exceptions", "apply", exception["id"], "--claim", "CLM200417")
    assert again.exit_code == 2 and again.stderr == f"error: exception {exception['id']} is already applied\n"
