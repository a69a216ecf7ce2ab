"""Queue priority: the points of each factor, monotonicity, the follow-up rule, the why."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.errors import InputError
from ar_cli.domain.queue.score import (
    DEFAULT_CATEGORY_POINTS,
    DeadlineKind,
    ItemKind,
    QueueFacts,
    QueueWeights,
    days_without_response,
    deadline_points,
    hidden_by_follow_up,
    ramp,
    score,
    score_parts,
    whole_dollars,
    why,
)
from ar_cli.domain.queue.weights import weights_from_settings
from ar_cli.domain.settings import check_setting

W = QueueWeights()
categories = st.sampled_from([None, *DEFAULT_CATEGORY_POINTS, "something_new"])
facts = st.builds(
    QueueFacts,
    kind=st.sampled_from(list(ItemKind)),
    amount=st.integers(0, 10_000_000),
    age_days=st.integers(0, 3000),
    payer_code=st.sampled_from(["", "ACM01", "MCR01"]),
    financial_class=st.sampled_from(["", "commercial", "medicare"]),
    denial_category=categories,
    deadline_days=st.one_of(st.none(), st.integers(-400, 400)),
    deadline_kind=st.sampled_from(list(DeadlineKind)),
    days_without_response=st.one_of(st.none(), st.integers(0, 1000)),
    untouched_days=st.integers(0, 3000),
)


def test_a_worked_example_adds_up():
    f = QueueFacts(amount=124_000, age_days=97, denial_category="missing_info", deadline_days=3, untouched_days=20)
    parts = score_parts(f, W)
    assert parts == {
        "kind": 0,
        "money": 40 * 124_000 // 200_000,
        "age": 30 * 97 // 180,
        "denial": 20,
        "category": 15,
        "deadline": 60 * 27 // 30,
        "no_response": 0,
        "payer": 0,
        "untouched": 20 * 20 // 60,
    }
    assert score(f, W) == 24 + 16 + 20 + 15 + 54 + 0 + 6
    assert why(f, W) == "appeal due in 3 days · denied: missing info · $1,240 · 97 days"


@given(facts)
def test_score_is_the_sum_of_bounded_non_negative_parts(f):
    parts = score_parts(f, W)
    assert score(f, W) == sum(parts.values())
    assert all(v >= 0 for v in parts.values())
    assert parts["money"] <= 40 and parts["age"] <= 30 and parts["deadline"] <= 60 and parts["untouched"] <= 20
    assert score(f, W) <= 40 + 30 + 20 + 15 + 60 + 15 + 20 + 30


@given(facts, st.integers(1, 1_000_000))
def test_more_money_never_lowers_the_score(f, more):
    bigger = QueueFacts(**{**f.__dict__, "amount": f.amount + more})
    assert score(bigger, W) >= score(f, W)


@given(facts, st.integers(1, 400))
def test_older_and_longer_untouched_never_lower_the_score(f, more):
    older = QueueFacts(**{**f.__dict__, "age_days": f.age_days + more, "untouched_days": f.untouched_days + more})
    assert score(older, W) >= score(f, W)


@given(st.integers(0, 29))
def test_a_nearer_deadline_scores_more_and_a_passed_one_nothing(days):
    assert deadline_points(days, W) > deadline_points(days + 1, W)
    assert deadline_points(0, W) == 60 and deadline_points(30, W) == 0 and deadline_points(31, W) == 0
    assert deadline_points(-1, W) == 0 and deadline_points(None, W) == 0


@given(st.integers(0, 10**9), st.integers(0, 1000), st.integers(-5, 10**9))
def test_ramp_is_monotone_and_capped(points, full, value):
    assert 0 <= ramp(points, value, full) <= points
    assert ramp(points, value + 1, full) >= ramp(points, value, full)


def test_no_response_counts_only_after_the_setting():
    f = QueueFacts(amount=1000, age_days=40, days_without_response=30)
    assert score_parts(f, W)["no_response"] == 0
    assert score_parts(QueueFacts(**{**f.__dict__, "days_without_response": 31}), W)["no_response"] == 15
    assert (
        score_parts(QueueFacts(**{**f.__dict__, "days_without_response": 31}), QueueWeights(no_response_days=45))[
            "no_response"
        ]
        == 0
    )


def test_unknown_category_scores_as_other_and_payer_code_wins_over_class():
    assert W.category_points("something_new") == W.category_points(DenialCategory.OTHER) == 5
    weights = QueueWeights(payer={"ACM01": 10, "commercial": 4})
    assert weights.payer_points("ACM01", "commercial") == 10
    assert weights.payer_points("BFS01", "commercial") == 4
    assert weights.payer_points("MCR01", "medicare") == 0


@given(st.one_of(st.none(), st.integers(-100, 100)), st.one_of(st.none(), st.integers(-100, 400)))
def test_a_follow_up_hides_unless_a_deadline_comes_first(follow_up_in, deadline):
    hidden = hidden_by_follow_up(follow_up_in=follow_up_in, deadline_days=deadline)
    if follow_up_in is None or follow_up_in <= 0 or (deadline is not None and 0 <= deadline <= follow_up_in):
        assert not hidden
    else:
        assert hidden


def test_follow_up_examples():
    assert hidden_by_follow_up(follow_up_in=10, deadline_days=None)
    assert not hidden_by_follow_up(follow_up_in=10, deadline_days=3)  # appeal due first: stays
    assert hidden_by_follow_up(follow_up_in=10, deadline_days=11)
    assert hidden_by_follow_up(follow_up_in=10, deadline_days=-2)  # passed: nothing to save
    assert not hidden_by_follow_up(follow_up_in=0, deadline_days=None)  # due today: it is work


def test_why_for_other_kinds_and_phrases():
    assert (
        why(
            QueueFacts(kind=ItemKind.EXCEPTION, amount=16_210, age_days=12, untouched_days=12),
            W,
            detail="unmatched claim",
        )
        == "exception: unmatched claim · $162 · 12 days"
    )
    assert (
        why(
            QueueFacts(
                amount=5_049,
                age_days=1,
                deadline_days=0,
                deadline_kind=DeadlineKind.FILING,
                days_without_response=200,
                untouched_days=1,
            ),
            W,
        )
        == "filing limit due today · no response in 200 days · $50 · 1 day"
    )
    assert (
        why(QueueFacts(amount=100, age_days=200, deadline_days=-4, untouched_days=200), W)
        == "appeal passed 4 days ago · $1 · 200 days"
    )
    assert why(QueueFacts(amount=100, age_days=200, untouched_days=45), W) == "$1 · 200 days · untouched 45 days"
    assert (
        why(QueueFacts(amount=0, age_days=3, payer_code="ACM01", untouched_days=3), QueueWeights(payer={"ACM01": 10}))
        == "$0 · 3 days · ACM01 +10"
    )


@pytest.mark.parametrize("cents,text", [(0, "$0"), (49, "$0"), (50, "$1"), (124_049, "$1,240"), (-250, "-$3")])
def test_whole_dollars(cents, text):
    assert whole_dollars(cents) == text


def test_weights_from_settings_override_only_what_they_name():
    weights = weights_from_settings(
        {
            "queue.weights": "money=50",
            "queue.full_at": "money=1000",
            "queue.category_points": "coding=1",
            "queue.payer_points": "ACM01=7",
            "queue.no_response_days": "45",
        }
    )
    assert weights.points["money"] == 50 and weights.points["age"] == 30
    assert weights.money_full_cents == 100_000 and weights.full_at["age"] == 180
    assert weights.category["coding"] == 1 and weights.category["missing_info"] == 15
    assert weights.payer == {"ACM01": 7} and weights.no_response_days == 45
    assert weights_from_settings({}) == QueueWeights()


@pytest.mark.parametrize(
    "key,value,message",
    [
        (
            "queue.weights",
            "money=x",
            "config queue.weights: 'money=x' is not a list like money=40,age=30 ('money=x' is not name=whole number)",
        ),
        (
            "queue.weights",
            "speed=3",
            "config queue.weights: 'speed=3' is not a list of name=number with names from "
            "age, credit, deadline, denial, exception, money, no_response, unapplied, "
            "untouched ('speed' is not one)",
        ),
        ("queue.full_at", "age=0", "config queue.full_at: 'age=0' is not a list of name=number above 0 (age=0)"),
        ("queue.category_points", "typo=3", None),
    ],
)
def test_bad_settings_are_one_line(key, value, message):
    with pytest.raises(InputError) as err:
        check_setting(key, value)
    if message:
        assert str(err.value) == message
    assert "\n" not in str(err.value)


def test_settings_are_normalised():
    assert check_setting("queue.weights", " money = 50 , age=10") == "money=50,age=10"
    assert check_setting("queue.payer_points", "acm01=5,Medicaid=3") == "ACM01=5,medicaid=3"
    assert check_setting("queue.weights", "") == ""


def test_no_response_counts_from_when_the_payer_became_responsible_until_it_answers():
    since, as_of = date(2026, 6, 19), date(2026, 10, 25)
    assert days_without_response(as_of=as_of, responsible_since=since, answers=[]) == 128
    # An answer before it held this money (the primary's, when it was primary) does not count.
    assert days_without_response(as_of=as_of, responsible_since=since, answers=[date(2026, 5, 1)]) == 128
    # On or after that day, it answered.
    assert days_without_response(as_of=as_of, responsible_since=since, answers=[since]) is None
    assert (
        days_without_response(as_of=as_of, responsible_since=since, answers=[date(2026, 5, 1), date(2026, 7, 2)])
        is None
    )
    # An as-of before it became responsible: negative, never past the threshold.
    early = days_without_response(as_of=since - timedelta(days=3), responsible_since=since, answers=[])
    assert early == -3
    assert score_parts(QueueFacts(amount=100, age_days=0, days_without_response=early), W)["no_response"] == 0
