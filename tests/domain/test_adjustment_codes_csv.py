"""A practice's own treatment table: how it is read, refused, warned about and merged."""

from __future__ import annotations

import pytest

from ar_cli.data import read_data_text
from ar_cli.domain.codes.adjustments import (
    CodeKnowledge,
    DenialCategory,
    Treatment,
    TreatmentTable,
    load_builtin,
)
from ar_cli.domain.errors import InputError, InputProblems

HEADER = "group,carc,rarc,treatment,category,next_action\n"


@pytest.fixture(scope="module")
def knowledge() -> CodeKnowledge:
    return load_builtin(read_data_text)


def _messages(text: str, knowledge: CodeKnowledge | None = None) -> list[str]:
    with pytest.raises(InputProblems) as caught:
        TreatmentTable.from_csv_text(text, "mine.csv", code_book=knowledge.book if knowledge else None)
    return str(caught.value).splitlines()


def test_a_valid_override_parses_and_expands_groups():
    table, warnings = TreatmentTable.from_csv_text(
        HEADER + "CO OA,45,,denial,other,Check the contract.\n" + "*,204,,contractual,,\n" + "PR,1,,patient,,\n",
        "mine.csv",
    )
    assert warnings == []
    assert len(table) == 2 + 4 + 1
    rule = table.lookup("OA", "45")
    assert (rule.treatment, rule.category, rule.next_action) == (
        Treatment.DENIAL,
        DenialCategory.OTHER,
        "Check the contract.",
    )
    assert rule.origin == "mine.csv"
    assert table.lookup("PI", "45").is_fallback
    assert table.lookup("PR", "204").treatment is Treatment.CONTRACTUAL


def test_empty_optional_cells_take_the_defaults():
    table, _ = TreatmentTable.from_csv_text("\ufeffGroup , CARC, Treatment\nco,45,DENIAL\n", "mine.csv")
    rule = table.lookup("CO", "45")
    assert rule.category is DenialCategory.OTHER
    assert rule.next_action == DenialCategory.OTHER.next_action
    assert rule.rarc is None and rule.note == ""


def test_comments_and_blank_rows_are_skipped_and_lines_still_count():
    text = "# my table\n" + HEADER + "\n# why: our contract\nCO,45,,writeoff,,\n"
    assert _messages(text) == [
        "mine.csv: line 5: treatment: 'writeoff' is not a treatment; expected contractual, "
        "patient, denial, pending, informational"
    ]


def test_rows_that_do_not_parse_are_refused_with_file_line_and_column():
    text = (
        HEADER
        + "XX,45,,contractual,,\n"
        + "CO,45,,denial,fraud,\n"
        + "CO,4-5,,denial,,\n"
        + "CO,16,MA 130,denial,,\n"
        + "CR,45,,contractual,,\n"
        + "PR,1,,patient,eligibility,\n"
        + ",1,,,,\n"
    )
    assert _messages(text) == [
        "mine.csv: line 2: group: 'XX' is not a group; expected CO, OA, PI, PR, several of them, or *",
        "mine.csv: line 3: category: 'fraud' is not a denial category; expected eligibility, "
        "authorization, coding, bundling, medical_necessity, timely_filing, duplicate, missing_info, "
        "coordination_of_benefits, credentialing, non_covered, other",
        "mine.csv: line 4: carc: '4-5' is not a reason code (like 45, B7 or P23)",
        "mine.csv: line 5: rarc: 'MA 130' is not a remark code (like M15, MA130 or N14)",
        "mine.csv: line 6: group: CR is read as CO everywhere; write the row for CO",
        "mine.csv: line 7: category: applies only to denial rows, and this row's treatment is patient",
        "mine.csv: line 8: group: is empty; expected CO, OA, PI, PR, several of them, or *",
        "mine.csv: line 8: treatment: empty is not a treatment; expected contractual, patient, "
        "denial, pending, informational",
    ]


def test_a_pair_named_twice_is_refused():
    text = HEADER + "CO OA,45,,contractual,,\nOA,45,,denial,,\nOA,45,N1,denial,,\n"
    assert _messages(text) == ["mine.csv: line 3: group: OA-45 with no RARC is already on line 2"]


def test_an_unquoted_comma_is_refused_rather_than_cutting_the_text():
    text = HEADER + "CO,45,,denial,other,Call them, then appeal\n"
    assert _messages(text) == [
        "mine.csv: line 2: has 7 cells but the header has 6 columns; put text that contains a comma in double quotes"
    ]


def test_the_header_is_checked():
    assert _messages("group,carc,rarc\nCO,45,\n") == ["mine.csv: line 1: missing column(s) treatment"]
    assert _messages("group,carc,treatment,catgory\n") == [
        "mine.csv: line 1: unknown column 'catgory'; expected group, carc, treatment, rarc, category, next_action, note"
    ]
    assert _messages("") == ["mine.csv: has no header row; expected group, carc, treatment"]


def test_problems_are_an_input_error_and_capped():
    text = HEADER + "".join(f"CO,{n},,nonsense,,\n" for n in range(1, 31))
    with pytest.raises(InputError) as caught:
        TreatmentTable.from_csv_text(text, "mine.csv")
    lines = str(caught.value).splitlines()
    assert len(lines) == 21
    assert lines[-1] == "… and 10 more problems"
    assert caught.value.exit_code == 2


def test_codes_unknown_to_the_code_book_load_with_a_warning(knowledge):
    text = HEADER + "CO,999,,contractual,,\nCO,16,N9999,denial,missing_info,\nCO,A2,,contractual,,\n"
    table, warnings = TreatmentTable.from_csv_text(text, "mine.csv", code_book=knowledge.book)
    assert [str(w) for w in warnings] == [
        "mine.csv: line 2: carc: CARC 999 is not in the code lists; loaded anyway",
        "mine.csv: line 3: rarc: RARC N9999 is not in the code lists; loaded anyway",
        "mine.csv: line 4: carc: CARC A2 has a stop date (2008-01-01); loaded anyway",
    ]
    assert table.lookup("CO", "999").treatment is Treatment.CONTRACTUAL
    assert table.lookup("CO", "16", ["N9999"]).rarc == "N9999"


def test_the_override_wins_and_keeps_more_specific_base_rows(knowledge):
    merged, warnings = knowledge.with_table_override(
        HEADER + "CO,16,,denial,coding,Call the coder.\nCO,45,,denial,other,\n", "mine.csv"
    )
    assert warnings == []
    assert merged.lookup("CO", "16").category is DenialCategory.CODING
    assert merged.lookup("CO", "16").origin == "mine.csv"
    # the built-in CO-16 + MA130 row is more specific than the override's CO-16 row
    assert merged.lookup("CO", "16", ["MA130"]).origin == "built-in treatments.csv"
    assert merged.lookup("CO", "45").treatment is Treatment.DENIAL
    assert merged.lookup("OA", "45").treatment is Treatment.CONTRACTUAL
    # the knowledge it came from is unchanged
    assert knowledge.lookup("CO", "45").treatment is Treatment.CONTRACTUAL


def test_a_bad_override_changes_nothing(knowledge):
    with pytest.raises(InputProblems):
        knowledge.with_table_override(HEADER + "CO,45,,oops,,\n", "mine.csv")
    assert knowledge.lookup("CO", "45").treatment is Treatment.CONTRACTUAL


def test_rules_are_listed_in_reading_order():
    table, _ = TreatmentTable.from_csv_text(
        HEADER + "CO,B7,,denial,,\nCO,16,MA130,denial,,\nCO,16,,denial,,\nCO,4,,denial,,\nCO,A1,,denial,,\n",
        "mine.csv",
    )
    assert [(r.carc, r.rarc) for r in table.rules()] == [
        ("4", None),
        ("16", None),
        ("16", "MA130"),
        ("A1", None),
        ("B7", None),
    ]
