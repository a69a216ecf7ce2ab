"""The built-in treatment table: what posting and denials do with each adjustment code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.data import read_data_text
from ar_cli.domain.codes.adjustments import (
    BUILTIN_ORIGIN,
    ORIGIN_FALLBACK,
    CodeKnowledge,
    DenialCategory,
    Treatment,
    TreatmentRule,
    effective_treatment,
    load_builtin,
)

# Located from this file, read in place (never copied): repo root's parent / shared.
SHARED_CARC = Path(__file__).resolve().parents[2].parent / "shared" / "codes" / "carc.csv"

_BUILTIN = load_builtin(read_data_text)


@pytest.fixture(scope="module")
def knowledge() -> CodeKnowledge:
    return _BUILTIN


def _shape(knowledge: CodeKnowledge, group: str, carc: str, rarcs: tuple[str, ...] = ()):
    rule = knowledge.lookup(group, carc, rarcs)
    return rule.treatment, rule.category


# --- DESIGN.md's sketch, row by row ---------------------------------------------------


@pytest.mark.parametrize("code", ["CO-45", "CO-253", "CO-59", "CO-94", "CO-131", "CO-24", "CO-237"])
def test_contractual_codes_are_written_down(knowledge, code):
    group, carc = code.split("-")
    assert _shape(knowledge, group, carc) == (Treatment.CONTRACTUAL, None)


@pytest.mark.parametrize("code", ["PR-1", "PR-2", "PR-3", "PR-96", "PR-204"])
def test_patient_codes_move_to_the_next_responsibility(knowledge, code):
    group, carc = code.split("-")
    assert _shape(knowledge, group, carc) == (Treatment.PATIENT, None)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("CO-16", DenialCategory.MISSING_INFO),
        ("CO-18", DenialCategory.DUPLICATE),
        ("OA-18", DenialCategory.DUPLICATE),
        ("CO-29", DenialCategory.TIMELY_FILING),
        ("CO-50", DenialCategory.MEDICAL_NECESSITY),
        ("CO-97", DenialCategory.BUNDLING),
        ("CO-197", DenialCategory.AUTHORIZATION),
        ("PR-27", DenialCategory.ELIGIBILITY),
        ("PR-31", DenialCategory.ELIGIBILITY),
        ("PR-22", DenialCategory.COORDINATION_OF_BENEFITS),
        ("CO-96", DenialCategory.NON_COVERED),
    ],
)
def test_denial_codes_stay_open_with_their_category(knowledge, code, category):
    group, carc = code.split("-")
    assert _shape(knowledge, group, carc) == (Treatment.DENIAL, category)


def test_pending_and_informational_codes(knowledge):
    assert _shape(knowledge, "OA", "133") == (Treatment.PENDING, None)
    # paid to the patient: not 'patient', which would bill the next coverage for it
    assert _shape(knowledge, "OA", "100") == (Treatment.PENDING, None)
    assert _shape(knowledge, "PR", "100") == (Treatment.PENDING, None)
    assert _shape(knowledge, "OA", "23") == (Treatment.INFORMATIONAL, None)
    assert _shape(knowledge, "CO", "246") == (Treatment.INFORMATIONAL, None)
    assert _shape(knowledge, "OA", "246") == (Treatment.INFORMATIONAL, None)


# --- the codes the denials issue says are commonly confused ---------------------------

CONFUSED = {
    DenialCategory.AUTHORIZATION: ["15", "197", "198", "288"],
    DenialCategory.CODING: ["4", "11", "146", "181", "182"],
    DenialCategory.COORDINATION_OF_BENEFITS: ["22", "109"],
    DenialCategory.ELIGIBILITY: ["27", "31", "140"],
    DenialCategory.BUNDLING: ["97", "234", "236"],
    DenialCategory.CREDENTIALING: ["8", "170", "185", "B7"],
}


@pytest.mark.parametrize(("carc", "category"), [(carc, cat) for cat, carcs in CONFUSED.items() for carc in carcs])
@pytest.mark.parametrize("group", ["CO", "OA", "PI"])
def test_commonly_confused_codes_are_pinned(knowledge, group, carc, category):
    assert _shape(knowledge, group, carc) == (Treatment.DENIAL, category)


@pytest.mark.parametrize("carc", ["4", "11", "146", "181", "182"])
def test_coding_denials_are_not_medical_necessity(knowledge, carc):
    assert knowledge.lookup("CO", carc).category is not DenialCategory.MEDICAL_NECESSITY


# --- RARC rows, fallback, CR ----------------------------------------------------------


def test_a_rarc_row_wins_over_the_row_without_one(knowledge):
    plain = knowledge.lookup("CO", "16")
    unprocessable = knowledge.lookup("CO", "16", ["N290", "MA130"])
    assert plain.rarc is None
    assert unprocessable.rarc == "MA130"
    assert unprocessable.category is DenialCategory.MISSING_INFO
    assert unprocessable.next_action == (
        "Unprocessable: correct the claim and send it as a new claim; there are no appeal rights."
    )
    assert plain.next_action == "Correct the claim and resubmit it (frequency 7); do not appeal."


def test_rarcs_are_tried_in_the_order_sent(knowledge):
    assert knowledge.lookup("CO", "16", ["MA04", "MA130"]).rarc == "MA04"
    assert knowledge.lookup("CO", "16", ["MA130", "MA04"]).rarc == "MA130"


def test_a_rarc_without_a_row_changes_nothing(knowledge):
    assert knowledge.lookup("CO", "45", ["N381"]) == knowledge.lookup("CO", "45")


@pytest.mark.parametrize("group", ["CO", "OA", "PI"])
def test_unlisted_payer_side_pairs_fall_back_to_a_denial_of_category_other(knowledge, group):
    rule = knowledge.lookup(group, "999")
    assert (rule.treatment, rule.category) == (Treatment.DENIAL, DenialCategory.OTHER)
    assert rule.origin == ORIGIN_FALLBACK and rule.is_fallback
    assert rule.next_action == DenialCategory.OTHER.next_action


def test_unlisted_patient_pairs_fall_back_to_patient(knowledge):
    rule = knowledge.lookup("PR", "999")
    assert (rule.treatment, rule.category, rule.is_fallback) == (Treatment.PATIENT, None, True)
    # a code with rows only for CO/OA/PI still falls back to patient under PR
    assert knowledge.lookup("PR", "45").treatment is Treatment.PATIENT


def test_cr_is_read_as_co(knowledge):
    assert knowledge.lookup("CR", "45") == knowledge.lookup("CO", "45")
    assert knowledge.lookup("CR", "16", ["MA130"]) == knowledge.lookup("CO", "16", ["MA130"])


def test_codes_are_normalized_before_lookup(knowledge):
    assert knowledge.lookup(" co", "045 ") == knowledge.lookup("CO", "45")
    assert knowledge.lookup("CO", "b7") == knowledge.lookup("CO", "B7")
    assert knowledge.lookup("co", "16", [" ma130"]).rarc == "MA130"


def test_an_unknown_group_is_a_denial(knowledge):
    rule = knowledge.lookup("ZZ", "45")
    assert (rule.treatment, rule.category) == (Treatment.DENIAL, DenialCategory.OTHER)
    assert rule.note == "Group ZZ is not CO, OA, PI or PR: left open as a denial."


@given(group=st.text(max_size=4), carc=st.text(max_size=6), rarcs=st.lists(st.text(max_size=6), max_size=3))
def test_lookup_always_returns_a_rule(group, carc, rarcs):
    rule = _BUILTIN.lookup(group, carc, rarcs)
    assert isinstance(rule, TreatmentRule)
    assert rule.next_action
    assert (rule.category is not None) == (rule.treatment is Treatment.DENIAL)


# --- negative amounts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "positive", "negative"),
    [
        ("CO-45", Treatment.CONTRACTUAL, Treatment.CONTRACTUAL),
        ("PR-1", Treatment.PATIENT, Treatment.PATIENT),
        ("CO-50", Treatment.DENIAL, Treatment.INFORMATIONAL),
        ("CO-999", Treatment.DENIAL, Treatment.INFORMATIONAL),
        ("OA-133", Treatment.PENDING, Treatment.INFORMATIONAL),
        ("OA-23", Treatment.INFORMATIONAL, Treatment.INFORMATIONAL),
    ],
)
def test_a_negative_amount_undoes_its_treatment_and_is_never_a_denial(knowledge, code, positive, negative):
    group, carc = code.split("-")
    rule = knowledge.lookup(group, carc)
    assert effective_treatment(rule, 1250) is positive
    assert effective_treatment(rule, 0) is positive
    assert effective_treatment(rule, -1250) is negative


@given(amount=st.integers(max_value=-1))
def test_no_negative_amount_is_ever_a_denial(amount):
    for rule in _BUILTIN.table.rules():
        assert effective_treatment(rule, amount) is not Treatment.DENIAL


# --- categories ------------------------------------------------------------------------


def test_categories_say_what_to_do():
    assert DenialCategory.MISSING_INFO.next_action == (
        "Correct the claim and resubmit it (frequency 7); do not appeal."
    )
    assert DenialCategory.AUTHORIZATION.next_action == (
        "Find or obtain the authorization number, then resubmit or appeal with it."
    )
    for category in DenialCategory:
        assert category.next_action.endswith(".")
        assert category.label


def test_resubmittable_categories_are_the_ones_the_timely_filing_flag_watches():
    assert {c for c in DenialCategory if c.resubmittable} == {
        DenialCategory.MISSING_INFO,
        DenialCategory.COORDINATION_OF_BENEFITS,
        DenialCategory.ELIGIBILITY,
    }
    assert not any(c.resubmittable and c.appealable for c in DenialCategory)
    assert not DenialCategory.DUPLICATE.appealable


# --- coverage of the code lists ---------------------------------------------------------


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_CARC.exists(), reason="../shared/codes/carc.csv is not here")
def test_every_active_carc_in_the_reference_list_has_a_row(knowledge):
    with SHARED_CARC.open(newline="", encoding="utf-8") as handle:
        active = {row["code"] for row in csv.DictReader(handle) if not row["stop_date"]}
    assert len(active) > 200
    assert sorted(active - knowledge.table.carcs()) == []


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_CARC.exists(), reason="../shared/codes/carc.csv is not here")
def test_deactivated_carcs_are_explained_and_fall_back_by_group(knowledge):
    with SHARED_CARC.open(newline="", encoding="utf-8") as handle:
        stopped = {row["code"] for row in csv.DictReader(handle) if row["stop_date"]}
    for code in stopped:
        explained = knowledge.explain(code)
        assert explained is not None and explained.deactivated, code
        assert knowledge.lookup("CO", code).is_fallback, code


def test_the_shipped_table_names_only_codes_the_shipped_book_knows(knowledge):
    from ar_cli.domain.codes.treatment_table import TreatmentTable

    _, warnings = TreatmentTable.from_csv_text(
        read_data_text("treatments.csv"), BUILTIN_ORIGIN, code_book=knowledge.book
    )
    assert warnings == []


def test_every_shipped_row_has_a_next_action_and_a_note(knowledge):
    for rule in knowledge.table.rules():
        assert rule.next_action and rule.note, (rule.group, rule.carc, rule.rarc)
        assert rule.origin == BUILTIN_ORIGIN
