"""`ar-cli codes show | load | treatments` through Typer's runner (both databases)."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger_checks import assert_audit_chain_intact
from support import write_csv

SHARED_CODES = Path(__file__).resolve().parents[2].parent / "shared" / "codes"

CO_45 = """\
CO-45: reason code (CARC) 45
  The charge is above the fee schedule or contracted rate; under CO the provider writes it off.
  group CO: Contractual obligation: the provider absorbs this amount under its contract or the rules; the patient may not be billed for it.
  treatment: contractual
  next action: Nothing to do: written down on this coverage by contract or rule.
  rule: CO-45 (built-in treatments.csv) — Above the fee schedule or contracted rate."""

CO_16_MA130 = """\
CO-16: reason code (CARC) 16
  The claim is missing information or has a billing error; the remark codes say what to fix.
  group CO: Contractual obligation: the provider absorbs this amount under its contract or the rules; the patient may not be billed for it.
  treatment: denial · missing or invalid information
  next action: Unprocessable: correct the claim and send it as a new claim; there are no appeal rights.
  rule: CO-16 with MA130 (built-in treatments.csv) — Unprocessable claim (16 with MA130).

MA130: remark code (RARC) MA130
  Unprocessable claim: information is missing or invalid and there are no appeal rights; send a new, corrected claim."""

PR_1 = """\
PR-1: reason code (CARC) 1
  The patient's deductible: the payer applied this amount to what the patient must pay first each year.
  group PR: Patient responsibility: the patient owes this (deductible, coinsurance, copay...), or a next payer may cover it.
  treatment: patient
  next action: Nothing to do here: the amount moves to the next coverage, or to the patient.
  rule: PR-1 (built-in treatments.csv) — Deductible."""

UNKNOWN = """\
XYZ: not in the loaded code lists

CO-999: not in the loaded code lists
  group CO: Contractual obligation: the provider absorbs this amount under its contract or the rules; the patient may not be billed for it.
  treatment: denial · other
  next action: Read the codes and remarks on the remittance and decide; call the payer if unclear.
  rule: fallback by group — Not in the table: left open as a denial by its group."""

# Our own wording, written for the tests (not an official list).
LIST_HEADER = "code,description,start_date,stop_date"
OVERRIDE_HEADER = "group,carc,rarc,treatment,category,next_action,note"


def _state(db: str) -> tuple[dict[str, str], int]:
    """The ledger's settings and the number of audit events (the chain checked on the way)."""
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location
    from ar_cli.store.tables import SettingRow

    ledger = Ledger(resolve_location(db)).open()
    try:
        with ledger.read() as session:
            settings = {r.key: r.value for r in session.execute(select(SettingRow)).scalars()}
            return settings, assert_audit_chain_intact(session)
    finally:
        ledger.dispose()


@pytest.mark.parametrize(
    "args,expected",
    [
        (("CO-45",), CO_45),
        (("co45",), CO_45.replace("CO-45:", "co45:", 1)),
        (("CO-16", "MA130"), CO_16_MA130),
        (("PR-1",), PR_1),
        (("XYZ", "CO-999"), UNKNOWN),
    ],
)
def test_show_exact_text(cli, args, expected):
    result = cli("codes", "show", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected + "\n"


def test_show_bare_reason_code_group_and_claim_status(cli):
    bare = cli("codes", "show", "45").stdout.splitlines()
    assert bare[2:] == [
        "  under CO: contractual",
        "  under OA: contractual",
        "  under PI: contractual",
        "  under PR: patient (no table row: by its group)",
    ]
    four = cli("codes", "show", "4").stdout
    assert "4: reason code (CARC) 4" in four and "\n4: claim status (CLP02) 4\n  Denied:" in four
    only_status = cli("codes", "show", "22", "--code-set", "claim_status").stdout
    assert only_status.startswith("22: claim status (CLP02) 22\n  Reversal of an earlier payment")
    assert cli("codes", "show", "CO").stdout.startswith("CO: group code CO\n  Contractual obligation")
    assert "(stop date 2015-07-01)" in cli("codes", "show", "A7").stdout
    bad = cli("codes", "show", "45", "--code-set", "plb")
    assert bad.exit_code == 2
    assert bad.stderr == "error: --code-set: 'plb' is not one of carc, rarc, group, claim_status\n"


def test_show_json_and_csv(cli, tmp_path):
    rows = json.loads(cli("codes", "show", "CO-16", "MA130", "NOPE1", "--format", "json").stdout)["codes"]
    assert [
        (r["asked"], r["code_set"], r["code"], r["group"], r["known"], r["treatment"], r["category"]) for r in rows
    ] == [
        ("CO-16", "carc", "16", "CO", True, "denial", "missing_info"),
        ("MA130", "rarc", "MA130", None, True, None, None),
        ("NOPE1", None, "NOPE1", None, False, None, None),
    ]
    assert rows[0]["remarks"] == "MA130" and rows[0]["rule"].startswith("CO-16 with MA130")
    assert rows[0]["start_date"] == "1995-01-01" and rows[0]["source"] == "built-in"
    bare = json.loads(cli("codes", "show", "45", "--format", "json").stdout)["codes"]
    assert [(r["group"], r["treatment"]) for r in bare] == [
        ("CO", "contractual"),
        ("OA", "contractual"),
        ("PI", "contractual"),
        ("PR", "patient"),
    ]
    out = tmp_path / "codes.csv"
    assert cli("codes", "show", "PR-1", "--output", str(out)).exit_code == 0
    header, row = out.read_text().splitlines()
    assert header == (
        "asked,code_set,code,group,known,description,official,plain,source,start_date,"
        "stop_date,remarks,treatment,category,next_action,rule"
    )
    assert row.startswith("PR-1,carc,1,PR,True,")


def test_load_code_list_round_trip(cli, tmp_path):
    first = write_csv(
        tmp_path / "carc-2026.csv",
        LIST_HEADER,
        '45,"Test wording: above the allowed amount.",1995-01-01,',
        "A7,Test wording: presumptive.,1995-01-01,7/1/2015",
    )
    result = cli("codes", "load", str(first), "--code-set", "carc")
    assert result.exit_code == 0, result.output
    assert result.stdout == "carc: 2 codes loaded from carc-2026.csv\n"
    shown = cli("codes", "show", "CO-45").stdout.splitlines()
    assert shown[1] == "  official (carc-2026.csv): Test wording: above the allowed amount."
    assert shown[2].startswith("  ours: The charge is above the fee schedule")
    assert "(stop date 2015-07-01)" in cli("codes", "show", "A7").stdout
    settings, events = _state(cli.db)
    assert settings["codes.list.carc"].splitlines()[:2] == [
        "# source: carc-2026.csv",
        "code_set,code,description,start_date,stop_date",
    ]
    # A list in several sets (code_set column) replaces the CARC list whole and adds a RARC list.
    mixed = write_csv(
        tmp_path / "mixed.csv",
        "code_set,code,description",
        "carc,16,Test wording: information missing.",
        "rarc,MA130,Test wording: unprocessable.",
    )
    again = cli("codes", "load", str(mixed))
    assert again.stdout == (
        "carc: 1 codes loaded from mixed.csv (replaces the list loaded before)\nrarc: 1 codes loaded from mixed.csv\n"
    )
    assert "official" not in cli("codes", "show", "CO-45").stdout  # dropped with the old list
    assert "  official (mixed.csv): Test wording: unprocessable." in cli("codes", "show", "MA130").stdout
    settings, after = _state(cli.db)
    assert after == events + 1 and set(settings) >= {"codes.list.carc", "codes.list.rarc"}


def test_bad_code_lists_change_nothing(cli, tmp_path):
    good = write_csv(tmp_path / "good.csv", LIST_HEADER, "45,Test wording.,,")
    assert cli("codes", "load", str(good), "--code-set", "carc").exit_code == 0
    before = _state(cli.db)
    bad = write_csv(
        tmp_path / "bad.csv", LIST_HEADER, "45,Fine.,2020-13-01,", "ZZZZZ,x,,", "46,,,", '50,"unquoted, comma",,,extra'
    )
    cases = [
        (
            (str(bad), "--code-set", "carc"),
            [
                "error: bad.csv: line 2: start_date: '2020-13-01' is not a date; expected YYYY-MM-DD",
                "error: bad.csv: line 3: code: 'ZZZZZ' is not a carc code",
                "error: bad.csv: line 4: description: is empty for carc 46",
                "error: bad.csv: line 5: has 5 cells but the header has 4 columns; put text that contains "
                "a comma in double quotes",
            ],
        ),
        (
            (str(good),),
            [
                "error: good.csv: line 1: missing column(s) code_set",
                "error: good.csv: without a code_set column, say which set the file holds with --code-set "
                "(carc, rarc, group or claim_status)",
            ],
        ),
        (
            (str(write_csv(tmp_path / "empty.csv", LIST_HEADER)), "--code-set", "rarc"),
            ["error: empty.csv: has no codes to load"],
        ),
        ((str(tmp_path / "missing.csv"), "--code-set", "carc"), [f"error: {tmp_path / 'missing.csv'}: no such file"]),
    ]
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"code,description\n45,caf\xe9\n")
    cases.append(
        ((str(latin), "--code-set", "carc"), ["error: latin.csv: line 2: not UTF-8 text; save it as 'CSV UTF-8'"])
    )
    for args, lines in cases:
        result = cli("codes", "load", *args)
        assert result.exit_code == 2, args
        assert result.stderr.splitlines() == lines
    assert _state(cli.db) == before


@pytest.mark.skipif(not (SHARED_CODES / "carc.csv").is_file(), reason="../shared/codes is not beside the project")
def test_loads_the_public_lists_in_place(cli):
    carc = cli("codes", "load", str(SHARED_CODES / "carc.csv"), "--code-set", "carc")
    rarc = cli("codes", "load", str(SHARED_CODES / "rarc.csv"), "--code-set", "rarc")
    assert carc.exit_code == 0 and rarc.exit_code == 0, carc.output + rarc.output
    assert carc.stdout.startswith("carc: ") and rarc.stdout.startswith("rarc: ")
    row = json.loads(cli("codes", "show", "CO-45", "--format", "json").stdout)["codes"][0]
    assert row["source"] == "carc.csv" and row["official"] and row["plain"]
    assert row["treatment"] == "contractual"  # loading a list never changes the table


def test_treatment_override_round_trip(cli, tmp_path):
    table = write_csv(
        tmp_path / "ours.csv",
        OVERRIDE_HEADER,
        "CO,45,,denial,coding,,Our contract says we appeal these.",
        "PR,999,,patient,,,",
        "CO,16,N9999,denial,,,",
    )
    result = cli("codes", "treatments", str(table))
    assert result.exit_code == 0, result.output
    assert result.stdout == "treatment override: 3 rules loaded from ours.csv\n"
    assert result.stderr.splitlines() == [
        "warning: ours.csv: line 3: carc: CARC 999 is not in the code lists; loaded anyway",
        "warning: ours.csv: line 4: rarc: RARC N9999 is not in the code lists; loaded anyway",
    ]
    shown = cli("codes", "show", "CO-45").stdout.splitlines()
    assert shown[3:] == [
        "  treatment: denial · coding",
        "  next action: Check the codes against the record: send a corrected claim "
        "(frequency 7) with the right procedure, modifier or diagnosis, or appeal with "
        "the record when the coding was right.",
        "  rule: CO-45 (treatments.override) — Our contract says we appeal these.",
    ]
    assert "  under OA: contractual" in cli("codes", "show", "45").stdout  # other groups keep theirs
    assert cli("config", "get", "treatments.override").stdout == table.read_text() + "\n"
    second = write_csv(tmp_path / "next.csv", OVERRIDE_HEADER, "CO OA,45,,contractual,,,")
    assert cli("codes", "treatments", str(second)).stdout == (
        "treatment override: 2 rules loaded from next.csv (replaces the override loaded before)\n"
    )
    assert "treatment: contractual" in cli("codes", "show", "CO-45").stdout


def test_bad_treatment_override_changes_nothing(cli, tmp_path):
    good = write_csv(tmp_path / "good.csv", OVERRIDE_HEADER, "CO,45,,denial,coding,,")
    assert cli("codes", "treatments", str(good)).exit_code == 0
    before = _state(cli.db)
    bad = write_csv(tmp_path / "bad.csv", "group,carc,treatment,catgory", "CO,45,contractual,")
    result = cli("codes", "treatments", str(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: bad.csv: line 1: unknown column 'catgory'; expected group, carc, "
        "treatment, rarc, category, next_action, note\n"
    )
    rows = write_csv(
        tmp_path / "rows.csv", OVERRIDE_HEADER, "XX,45,,contractual,,,", "CO,,,maybe,,,", "PR,1,,patient,coding,,"
    )
    result = cli("codes", "treatments", str(rows))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: rows.csv: line 2: group: 'XX' is not a group; expected CO, OA, PI, PR, several of them, or *",
        "error: rows.csv: line 3: carc: is empty",
        "error: rows.csv: line 3: treatment: 'maybe' is not a treatment; expected contractual, patient, "
        "denial, pending, informational",
        "error: rows.csv: line 4: category: applies only to denial rows, and this row's treatment is patient",
    ]
    empty = cli("codes", "treatments", str(write_csv(tmp_path / "empty.csv", OVERRIDE_HEADER)))
    assert empty.exit_code == 2 and empty.stderr == (
        "error: empty.csv: has no rows; to remove the override run `ar-cli config set treatments.override ''`\n"
    )
    assert _state(cli.db) == before
    assert "treatment: denial · coding" in cli("codes", "show", "CO-45").stdout


def test_load_code_knowledge_is_what_posting_reads(cli, tmp_path):
    from ar_cli.domain.codes.adjustments import CodeSet, Treatment
    from ar_cli.services.codes import load_code_knowledge
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    cli("codes", "treatments", str(write_csv(tmp_path / "t.csv", OVERRIDE_HEADER, "OA,23,,contractual,,,")))
    cli("codes", "load", str(write_csv(tmp_path / "r.csv", LIST_HEADER, "N14,Test wording.,,")), "--code-set", "rarc")
    ledger = Ledger(resolve_location(cli.db)).open()
    try:
        with ledger.read() as session:
            knowledge = load_code_knowledge(session)
    finally:
        ledger.dispose()
    assert knowledge.lookup("OA", "23").treatment is Treatment.CONTRACTUAL
    assert knowledge.lookup("CO", "45").treatment is Treatment.CONTRACTUAL
    assert knowledge.explain("N14", CodeSet.RARC).official == "Test wording."


def test_show_without_a_ledger_creates_none(sqlite_cli, sqlite_url):
    assert sqlite_cli("codes", "show", "CO-45").exit_code == 0
    assert not Path(sqlite_url).exists()


def test_an_override_broken_by_hand_is_refused_and_can_be_replaced(cli, tmp_path):
    assert cli("config", "set", "treatments.override", "group,carc,treatment\nCO,45,maybe\n").exit_code == 0
    shown = cli("codes", "show", "CO-45")
    assert shown.exit_code == 2
    assert shown.stderr == (
        "error: treatments.override: line 2: treatment: 'maybe' is not a treatment; "
        "expected contractual, patient, denial, pending, informational\n"
    )
    fixed = write_csv(tmp_path / "fixed.csv", OVERRIDE_HEADER, "CO,45,,contractual,,,")
    assert cli("codes", "treatments", str(fixed)).exit_code == 0
    assert cli("codes", "show", "CO-45").exit_code == 0
