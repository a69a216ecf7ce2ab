"""Formula injection and identifiers that a spreadsheet would turn into numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.spreadsheet_safety import TRIGGERS, identifier_cell, neutralise


@pytest.mark.parametrize(
    "text,safe",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("CLM100001", "CLM100001"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_neutralise(text, safe):
    assert neutralise(text) == safe


@given(st.text())
def test_no_neutralised_cell_starts_a_formula_and_others_are_untouched(text):
    safe = neutralise(text)
    assert not safe.startswith(TRIGGERS)
    if not text.startswith(TRIGGERS):
        assert safe == text
    else:
        assert safe == "'" + text


@pytest.mark.parametrize(
    "text,cell",
    [
        ("00123", '="00123"'),
        ("1234567890123456", '="1234567890123456"'),
        ("3-4", '="3-4"'),
        ("1E5", '="1E5"'),
        ("CLM100001", "CLM100001"),
        ("PT10073", "PT10073"),
        ("=cmd", "'=cmd"),
        ("-5", '="-5"'),
        ("", ""),
    ],
)
def test_identifiers_stay_text(text, cell):
    assert identifier_cell(text) == cell


@given(st.text())
def test_an_identifier_cell_never_starts_a_formula_except_its_own_quote(text):
    cell = identifier_cell(text)
    assert cell == neutralise(text) or (cell == f'="{text}"' and '"' not in text)
