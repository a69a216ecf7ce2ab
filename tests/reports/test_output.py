"""reports/output: where a file goes, how it lands, what its cells hold."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_cli.domain.errors import InputError
from ar_cli.domain.spreadsheet_safety import TRIGGERS
from ar_cli.reports.output import report_csv, resolve_file, staged_folder, write_text
from ar_cli.reports.output.tabular import report_xlsx
from ar_cli.reports.report import Column, Kind, Report


def _report(*texts: str) -> Report:
    return Report(
        name="payers",
        title="Payers",
        columns=[
            Column(key="code", title="Code", kind=Kind.ID),
            Column(key="name", title="Name"),
            Column(key="patient_name", title="Patient", phi=True),
            Column(key="owed", title="Owed", kind=Kind.MONEY),
        ],
        rows=[{"code": t, "name": t, "patient_name": t, "owed": -1234} for t in texts],
    )


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_trailing_slash_or_a_folder_means_a_folder_created_when_missing(tmp_path):
    assert (
        resolve_file(f"{tmp_path}/audit-q2/", "ledger_2026-06.csv", overwrite=False)
        == tmp_path / "audit-q2" / "ledger_2026-06.csv"
    )
    assert (tmp_path / "audit-q2").is_dir()
    assert (
        resolve_file(str(tmp_path / "audit-q2"), "claims.csv", overwrite=False) == tmp_path / "audit-q2" / "claims.csv"
    )
    assert (
        resolve_file(str(tmp_path / "audit-q2" / "mine.csv"), "x.csv", overwrite=False)
        == tmp_path / "audit-q2" / "mine.csv"
    )
    assert resolve_file(f"{tmp_path}/a/", "../../escape", overwrite=False) == tmp_path / "a" / "_.._escape"


def test_an_existing_file_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "aging.csv"
    write_text(target, "first\n", private=False, overwrite=False)
    with pytest.raises(InputError, match="already exists; give another name, or --overwrite"):
        resolve_file(str(target), "x", overwrite=False)
    with pytest.raises(InputError, match="already exists"):
        write_text(target, "second\n", private=False, overwrite=False)
    assert target.read_text() == "first\n"
    write_text(target, "second\n", private=True, overwrite=True)
    assert target.read_text() == "second\n" and _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["aging.csv"]  # no temporary left behind


def test_a_manifest_beside_the_file_counts_as_existing(tmp_path):
    (tmp_path / "l.csv.manifest.json").write_text("{}")
    with pytest.raises(InputError, match=r"l\.csv\.manifest\.json already exists"):
        resolve_file(str(tmp_path / "l.csv"), "x", overwrite=False, companions=(".manifest.json",))


def test_modes_phi_0600_else_0644_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        write_text(tmp_path / "open.csv", "x\n", private=False, overwrite=False)
        write_text(tmp_path / "phi.csv", "x\n", private=True, overwrite=False)
    finally:
        os.umask(old)
    assert (_mode(tmp_path / "open.csv"), _mode(tmp_path / "phi.csv")) == (0o644, 0o600)


def test_a_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), staged_folder(tmp_path, "pack") as staging:
        staging.file("a.csv").write_text("x")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_csv_guards_text_masks_phi_and_writes_money_as_numbers():
    text = report_csv(_report('=HYPERLINK("http://x","click")', "\r@x"), include_phi=False)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ['\'=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")', "'=***, \"***", "-12.34"]
    assert rows[2] == ["'\r@x", "'\r@x", "'@***", "-12.34"] and len(rows) == 3


def test_xlsx_stores_formula_text_as_a_string_cell_without_a_quote():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_xlsx(_report("=1+2", "@SUM(A1)"), include_phi=True)))
    sheet = book.active
    assert [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [("=1+2", "s"), ("=1+2", "s"), ("=1+2", "s"), (-12.34, "n")],
        [("@SUM(A1)", "s"), ("@SUM(A1)", "s"), ("@SUM(A1)", "s"), (-12.34, "n")],
    ]
    assert sheet["D2"].number_format == "#,##0.00"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=5))
def test_no_csv_cell_starts_a_formula_and_every_cell_reads_back(texts):
    text = report_csv(_report(*texts), include_phi=True)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(texts) + 1  # no text splits a row, a bare CR included
    for row, original in zip(rows[1:], texts):
        for cell in row[:3]:
            assert not cell.startswith(TRIGGERS) or cell.startswith("'")
            assert cell in (original, "'" + original)
