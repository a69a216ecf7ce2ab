"""Checks that park a claim payment (nothing posts, CLP04 goes to unapplied), and the
warnings that only say something."""

from __future__ import annotations

import pytest

from ar_cli.domain.posting.era import Disposition, ProblemKind, Severity, check_reversal, coverage_rank
from domain.test_posting_builders import (
    MEDICARE,
    MEDIGAP,
    OTHER_PAYER,
    adj,
    claim,
    claim_line,
    coverage,
    negated,
    patient,
    payment,
    plan,
    service,
)

TWO_COVERAGES = (coverage(1, MEDICARE), coverage(2, MEDIGAP))


def problem_kinds(result):
    return [p.kind for p in result.problems]


def assert_parked(result, amount):
    assert result.disposition is Disposition.PARK
    assert (result.entries, result.denials, result.follow_ups, result.line_ids_used) == ((), (), (), frozenset())
    assert result.parked == result.totals.parked == amount and result.totals.paid == 0
    assert result.needs_exception


def test_a_payer_that_is_not_a_coverage_parks_the_payment():
    result = plan(
        claim(claim_line(1, 1)),
        payment("1", service("99213", 10000, 8000, adj("CO", "45", 2000))),
        payer_id=OTHER_PAYER,
    )
    assert problem_kinds(result) == [ProblemKind.PAYER_MISMATCH] and result.payer_rank is None
    assert_parked(result, 8000)


def test_status_position_disagreeing_with_the_payer_is_a_warning_and_the_payer_decides():
    the_claim = claim(claim_line(1, 1), coverages=TWO_COVERAGES)
    result = plan(the_claim, payment("2", service("99213", 10000, 10000)))
    assert problem_kinds(result) == [ProblemKind.STATUS_RANK_MISMATCH]
    assert result.problems[0].severity is Severity.WARNING and not result.needs_exception
    assert result.payer_rank == 1 and {e.responsibility for e in result.entries} == {1}


def test_one_payer_on_two_ranks_takes_the_rank_the_status_names():
    the_claim = claim(claim_line(1, 1), coverages=(coverage(1, MEDICARE), coverage(2, MEDICARE)))
    assert coverage_rank(the_claim, MEDICARE, "2") == 2
    assert coverage_rank(the_claim, MEDICARE, "1") == coverage_rank(the_claim, MEDICARE, "4") == 1


@pytest.mark.parametrize(
    "person, matches",
    [
        (patient(), True),
        (patient(last="Smith", first="Ann"), True),  # member id agrees: a changed name does not matter
        (patient(first="J.", member_id="OTHER"), True),  # last name and first initial agree
        (patient(last="DOE-SMITH", member_id="OTHER"), False),
        (patient(first="Mary", member_id="OTHER"), False),
        (patient(first="", member_id="OTHER"), False),  # nothing to confirm the initial with
    ],
)
def test_patient_check(person, matches):
    result = plan(claim(claim_line(1, 1)), payment("1", service("99213", 10000, 10000), person=person))
    assert (ProblemKind.PATIENT_MISMATCH not in problem_kinds(result)) is matches
    if not matches:
        assert_parked(result, 10000)
        assert "DOE" not in result.problems[0].message.upper() and "OTHER" not in result.problems[0].message


def test_an_unbalanced_claim_parks_and_names_the_difference():
    result = plan(
        claim(claim_line(1, 1)), payment("1", service("99213", 10000, 8000, adj("CO", "45", 2000)), paid=7500)
    )
    assert problem_kinds(result) == [ProblemKind.UNBALANCED_CLAIM]
    assert result.problems[0].amount == 500 and "by 5.00" in result.problems[0].message
    assert_parked(result, 7500)


def test_an_unbalanced_line_parks_the_whole_claim():
    # The claim balances (claim-level CAS make up for it) but the line does not.
    the_payment = payment(
        "1", service("99213", 10000, 8000, adj("CO", "45", 1000)), adjustments=(adj("CO", "45", 1000),), paid=8000
    )
    result = plan(claim(claim_line(1, 1)), the_payment)
    assert problem_kinds(result) == [ProblemKind.UNBALANCED_LINE]
    assert_parked(result, 8000)


def test_an_unknown_status_parks():
    result = plan(claim(claim_line(1, 1)), payment("5", service("99213", 10000, 10000)))
    assert problem_kinds(result) == [ProblemKind.UNKNOWN_STATUS]
    assert_parked(result, 10000)


@pytest.mark.parametrize("status, kind", [("23", ProblemKind.FORWARDED_NOT_OURS), ("25", ProblemKind.PREDETERMINATION)])
def test_statuses_that_post_nothing_are_recorded_only(status, kind):
    result = plan(claim(claim_line(1, 1)), payment(status, service("99213", 10000, 0, adj("CO", "101", 10000))))
    assert result.disposition is Disposition.RECORD_ONLY and problem_kinds(result) == [kind]
    assert (result.entries, result.denials, result.parked) == ((), (), 0)


@pytest.mark.parametrize("status", ["23", "25"])
def test_statuses_that_post_nothing_park_any_money_they_carry(status):
    result = plan(claim(claim_line(1, 1)), payment(status, service("99213", 10000, 6000, adj("CO", "45", 4000))))
    assert problem_kinds(result) == [ProblemKind.NO_POST_STATUS_WITH_MONEY]
    assert_parked(result, 6000)


def test_adjusting_more_than_the_coverage_holds_parks():
    the_claim = claim(claim_line(1, 1), coverages=TWO_COVERAGES)
    # The secondary holds 2000 but pays 2500 and writes down 500 more.
    result = plan(
        the_claim,
        payment("2", service("99213", 10000, 2500, adj("OA", "23", 7000), adj("CO", "45", 500))),
        payer_id=MEDIGAP,
        balances={1: 0, 2: 2000},
    )
    assert problem_kinds(result) == [ProblemKind.OVER_ADJUSTED] and result.problems[0].amount == 1000
    assert_parked(result, 2500)


def test_a_payment_from_a_coverage_that_holds_nothing_yet_parks():
    the_claim = claim(claim_line(1, 1), coverages=TWO_COVERAGES)
    result = plan(
        the_claim,
        payment("2", service("99213", 10000, 1000, adj("OA", "23", 9000))),
        payer_id=MEDIGAP,
        balances={1: 10000},
    )
    assert problem_kinds(result) == [ProblemKind.OVER_ADJUSTED]


def test_a_reversal_with_positive_amounts_parks():
    original = payment("1", service("99213", 10000, 10000))
    flipped = negated(negated(original))  # status 22, amounts not negated
    result = plan(claim(claim_line(1, 1)), flipped, balances={1: 0})
    assert ProblemKind.REVERSAL_SIGN in problem_kinds(result)
    assert_parked(result, 10000)


def test_a_blocked_reversal_parks_its_negative_payment():
    result = plan(claim(claim_line(1, 1)), negated(payment("1", service("99213", 10000, 10000))), payer_id=OTHER_PAYER)
    assert_parked(result, -10000)


def test_patient_share_differing_from_clp05_is_a_warning():
    result = plan(
        claim(claim_line(1, 1)), payment("1", service("99213", 10000, 8000, adj("PR", "2", 2000)), patient_share=2500)
    )
    assert problem_kinds(result) == [ProblemKind.PATIENT_RESPONSIBILITY_DIFFERS]
    assert result.disposition is Disposition.POST and not result.needs_exception


def test_every_blocking_problem_is_reported_together():
    result = plan(
        claim(claim_line(1, 1)),
        payment("9", service("99213", 10000, 8000), paid=7000, person=patient(last="X", member_id="Y")),
        payer_id=OTHER_PAYER,
    )
    assert set(problem_kinds(result)) >= {
        ProblemKind.PAYER_MISMATCH,
        ProblemKind.UNKNOWN_STATUS,
        ProblemKind.UNBALANCED_CLAIM,
        ProblemKind.UNBALANCED_LINE,
    }
    assert_parked(result, 7000)


def test_a_reversal_that_negates_its_original_exactly_raises_nothing():
    original = payment(
        "1", service("99213", 10000, 6000, adj("CO", "45", 2000), adj("PR", "2", 2000)), service("36415", 2500, 2500)
    )
    assert check_reversal(negated(original), original) == []


def test_a_reversal_that_differs_from_its_original_asks_for_a_person():
    original = payment("1", service("99213", 10000, 6000, adj("CO", "45", 2000), adj("PR", "2", 2000)))
    other = payment("1", service("99213", 10000, 6500, adj("CO", "45", 2000), adj("PR", "2", 1500)))
    (problem,) = check_reversal(negated(other), original)
    assert problem.kind is ProblemKind.REVERSAL_DIFFERS and problem.severity is Severity.EXCEPTION
    assert problem.amount == -500 and "reversed against 60.00" in problem.message
