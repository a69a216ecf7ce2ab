"""The code book: explaining codes in our words, and loading a practice's official lists."""

from __future__ import annotations

from datetime import date

import pytest

from ar_cli.data import read_data_text
from ar_cli.domain.codes.adjustments import BUILTIN_CODE_LISTS, CodeKnowledge, load_builtin
from ar_cli.domain.codes.book import CodeBook, CodeSet
from ar_cli.domain.errors import InputProblems


@pytest.fixture(scope="module")
def knowledge() -> CodeKnowledge:
    return load_builtin(read_data_text)


@pytest.mark.parametrize(
    ("asked", "code_set", "code", "group"),
    [
        ("CO-45", CodeSet.CARC, "45", "CO"),
        ("CO45", CodeSet.CARC, "45", "CO"),
        ("co 45", CodeSet.CARC, "45", "CO"),
        ("45", CodeSet.CARC, "45", None),
        ("045", CodeSet.CARC, "45", None),
        ("PR-B7", CodeSet.CARC, "B7", "PR"),
        ("CR-45", CodeSet.CARC, "45", "CR"),
        ("P23", CodeSet.CARC, "P23", None),
        ("MA130", CodeSet.RARC, "MA130", None),
        ("n14", CodeSet.RARC, "N14", None),
        ("CO", CodeSet.GROUP, "CO", None),
        ("CR", CodeSet.GROUP, "CR", None),
    ],
)
def test_explain_reads_codes_as_people_type_them(knowledge, asked, code_set, code, group):
    found = knowledge.explain(asked)
    assert found is not None
    assert (found.code_set, found.code) == (code_set, code)
    assert (found.group.code if found.group else None) == group
    assert found.text == found.plain and found.plain
    assert found.source == "built-in"


@pytest.mark.parametrize("asked", ["999", "N9999", "CO-999", "", "XYZ", "CO-"])
def test_an_unknown_code_is_none_never_an_error(knowledge, asked):
    assert knowledge.explain(asked) is None


def test_claim_statuses_need_their_set_or_explain_all(knowledge):
    assert knowledge.explain("22").code_set is CodeSet.CARC
    status = knowledge.explain("22", CodeSet.CLAIM_STATUS)
    assert status is not None and status.plain.startswith("Reversal")
    assert [e.code_set for e in knowledge.book.explain_all("4")] == [CodeSet.CARC, CodeSet.CLAIM_STATUS]
    assert [e.code_set for e in knowledge.book.explain_all("MA130")] == [CodeSet.RARC]


def test_deactivated_codes_carry_their_stop_date(knowledge):
    retired = knowledge.explain("A2")
    assert retired.deactivated and retired.stop_date == date(2008, 1, 1)
    assert retired.active_on(date(2007, 12, 31)) and not retired.active_on(date(2008, 1, 1))
    assert not knowledge.explain("45").deactivated


def test_the_shipped_lists_have_what_the_brief_promises(knowledge):
    book = knowledge.book
    assert len(book.codes(CodeSet.CARC)) >= 351
    assert len(book.codes(CodeSet.RARC)) >= 150
    assert [e.code for e in book.codes(CodeSet.GROUP)] == ["CO", "CR", "OA", "PI", "PR"]
    assert [e.code for e in book.codes(CodeSet.CLAIM_STATUS)] == [
        "1",
        "2",
        "3",
        "4",
        "19",
        "20",
        "21",
        "22",
        "23",
        "25",
    ]
    for code in [
        "MA130",
        "N14",
        "N206",
        "N220",
        "M68",
        "MA02",
        "N290",
        "M15",
        "M80",
        "N362",
        "N130",
        "M86",
        "N56",
        "N115",
        "N381",
        "N432",
        "N522",
        "MA04",
        "MA18",
        "MA07",
        "N4",
        "N19",
        "N20",
        "N30",
    ]:
        assert book.knows(CodeSet.RARC, code), code


@pytest.mark.parametrize(("name", "code_set"), BUILTIN_CODE_LISTS)
def test_each_shipped_list_parses_on_its_own(name, code_set):
    book = CodeBook.from_csv_text(read_data_text(name), name, code_set=code_set, ours=True)
    assert len(book) == len(book.codes(code_set)) > 0
    for entry in book.codes(code_set):
        assert entry.plain.strip() and not entry.official


OFFICIAL = (
    "code_set,code,description,start_date,stop_date,extra\n"
    "carc,45,Official words for 45.,1995-01-01,,x\n"
    "CARC,300,A code newer than ours.,11/1/2026,,\n"
    "rarc,N9999,A new remark.,,,\n"
    "claim-status,22,Official reversal words.,,,\n"
)


def test_a_loaded_official_list_adds_to_our_words(knowledge):
    loaded = knowledge.with_code_list(OFFICIAL, "official.csv")
    forty_five = loaded.explain("CO-45")
    assert forty_five.official == "Official words for 45."
    assert forty_five.plain == knowledge.explain("45").plain
    assert forty_five.text == "Official words for 45."
    assert forty_five.source == "official.csv"
    assert loaded.explain("300").start_date == date(2026, 11, 1)
    assert loaded.explain("N9999").text == "A new remark."
    assert loaded.explain("22", CodeSet.CLAIM_STATUS).official == "Official reversal words."
    assert knowledge.explain("300") is None  # the original is unchanged


def test_a_list_of_one_set_needs_no_code_set_column(knowledge):
    loaded = knowledge.with_code_list("code,description\nMA130,Official MA130.\n", "rarc.csv", code_set=CodeSet.RARC)
    assert loaded.explain("MA130").official == "Official MA130."


def test_a_list_that_does_not_parse_is_refused_with_file_line_and_column():
    text = (
        "code_set,code,description,start_date,stop_date\n"
        "carcs,45,x,,\n"
        "carc,4-5,x,,\n"
        "rarc,MA130,,,\n"
        "carc,45,x,2015-13-01,\n"
        "carc,46,x,,\n"
        "carc,046,again,,\n"
        ",47,x,,\n"
    )
    with pytest.raises(InputProblems) as caught:
        CodeBook.from_csv_text(text, "official.csv")
    assert str(caught.value).splitlines() == [
        "official.csv: line 2: code_set: 'carcs' is not a code set; expected carc, rarc, group, claim_status",
        "official.csv: line 3: code: '4-5' is not a carc code",
        "official.csv: line 4: description: is empty for rarc MA130",
        "official.csv: line 5: start_date: '2015-13-01' is not a date; expected YYYY-MM-DD",
        "official.csv: line 7: code: carc 46 is already on line 6",
        "official.csv: line 8: code_set: is empty",
    ]


def test_a_list_without_its_columns_is_refused():
    with pytest.raises(InputProblems) as caught:
        CodeBook.from_csv_text("code,text\n45,x\n", "official.csv")
    assert str(caught.value) == "official.csv: line 1: missing column(s) code_set, description"
