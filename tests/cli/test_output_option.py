"""`--output` means one thing: a path ending in / or naming a folder is a folder (created
when missing), a file already there is never replaced without --overwrite, and
`--format table --output FILE` writes the table."""

import json

import pytest
from sqlalchemy import select

from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from ar_cli.store.tables import AuditEventRow
from conftest import FIXTURES

JUNE = ["--from", "2026-06-01", "--to", "2026-06-30"]


def _events(url) -> list[tuple[str, str]]:
    ledger = Ledger(resolve_location(url)).open()
    try:
        with ledger.read() as session:
            return [
                tuple(r)
                for r in session.execute(select(AuditEventRow.action, AuditEventRow.source).order_by(AuditEventRow.id))
            ]
    finally:
        ledger.dispose()


@pytest.fixture
def small(cli):
    result = cli("claims", "import", str(FIXTURES / "claims" / "small.csv"), "--posting-date", "2026-06-30")
    assert result.exit_code == 0, result.output
    return cli


def test_the_readme_export_example_writes_into_a_new_folder_and_never_replaces(small, ledger_url, tmp_path):
    folder = tmp_path / "audit-q2"
    first = small("export", "ledger", *JUNE, "--output", f"{folder}/")
    assert first.exit_code == 0, first.output
    ledger_file = folder / "ledger_2026-06-01_2026-06-30.csv"
    assert sorted(p.name for p in folder.iterdir()) == [ledger_file.name, ledger_file.name + ".manifest.json"]
    before = ledger_file.read_bytes()
    # The same folder without the slash: it exists, so it is a folder.
    claims = small("export", "claims", *JUNE, "--output", str(folder), "--include-phi")
    assert claims.exit_code == 0, claims.output
    assert (folder / "claims_2026-06-01_2026-06-30.csv").is_file()
    events = _events(ledger_url)

    again = small("export", "ledger", *JUNE, "--output", f"{folder}/")
    assert (again.exit_code, again.stderr) == (
        2,
        f"error: --output {folder}/: {ledger_file} already exists; give another name, or --overwrite to replace it\n",
    )
    named = small("export", "claims", *JUNE, "--output", str(ledger_file))
    assert named.exit_code == 2 and "already exists" in named.stderr
    assert ledger_file.read_bytes() == before and _events(ledger_url) == events  # nothing replaced or recorded

    replaced = small("export", "ledger", *JUNE, "--output", str(folder), "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert _events(ledger_url)[-1] == ("export.ledger", str(ledger_file))
    assert len(list(folder.iterdir())) == 4


def test_a_listing_to_a_folder_is_named_by_what_and_when(small, tmp_path):
    result = small("queue", "--as-of", "2026-06-30", "--format", "csv", "--output", f"{tmp_path}/lists/")
    assert result.exit_code == 0, result.output
    aging = small("aging", "--as-of", "2026-06-30", "--format", "json", "--output", str(tmp_path / "lists"))
    assert aging.exit_code == 0, aging.output
    assert sorted(p.name for p in (tmp_path / "lists").iterdir()) == ["aging_2026-06-30.json", "queue_2026-06-30.csv"]


def test_a_listing_never_replaces_a_file_without_overwrite(small, tmp_path):
    target = tmp_path / "payers.csv"
    assert small("payers", "list", "--format", "csv", "--output", str(target)).exit_code == 0
    target.write_text("kept\n")
    again = small("payers", "list", "--format", "csv", "--output", str(target))
    assert (again.exit_code, again.stderr) == (
        2,
        f"error: --output {target}: {target} already exists; give another name, or --overwrite to replace it\n",
    )
    assert target.read_text() == "kept\n"
    assert small("payers", "list", "--format", "csv", "--output", str(target), "--overwrite").exit_code == 0
    assert target.read_text().startswith("code,name,")


def test_format_table_to_a_file_writes_the_table(small, tmp_path):
    table = tmp_path / "aging.txt"
    assert small("aging", "--as-of", "2026-06-30", "--format", "table", "--output", str(table)).exit_code == 0
    text = table.read_text()
    assert text.startswith("Aging by payer as of 2026-06-30") and "┃" in text and "\x1b[" not in text
    claims = tmp_path / "claims.csv"  # a table asked for by name, whatever the file is called
    assert small("claims", "list", "--format", "table", "--output", str(claims)).exit_code == 0
    assert claims.read_text().startswith("Claims") and "D***, J***" in claims.read_text()
    # --format not given: the file's name says the format.
    for name, start in (("a.csv", "kind,payer,"), ("a.json", "{")):
        assert small("aging", "--as-of", "2026-06-30", "--output", str(tmp_path / name)).exit_code == 0
        assert (tmp_path / name).read_text().startswith(start)
    json.loads((tmp_path / "a.json").read_text())


def test_a_workbook_name_for_a_command_without_workbooks_is_refused(small, tmp_path):
    result = small("claims", "list", "--output", str(tmp_path / "claims.xlsx"))
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: --output {tmp_path}/claims.xlsx: this command writes table, csv, json, not xlsx; give "
        "--format, or another file name\n",
    )
    assert list(tmp_path.glob("claims*")) == []
