"""Matching service lines to claim lines: control number, billed procedure, identical
lines in order, each line once (split claims), and unmatched lines at claim level."""

from __future__ import annotations

from datetime import date

from ar_cli.domain.posting.era import Disposition, MatchMethod, ProblemKind, match_lines
from domain.test_posting_builders import DOS, adj, claim, claim_line, kinds, payment, plan, service


def matched(the_claim, the_payment, used=frozenset()):
    return [(m.claim_line_id, m.method) for m in match_lines(the_claim, the_payment, used)]


def test_line_control_number_wins_over_everything_else():
    the_claim = claim(claim_line(1, 1, control="A1"), claim_line(2, 2, control="A2"))
    # Same procedure and charge on both: only the control number tells them apart.
    the_payment = payment("1", service("99213", 10000, 0, control="A2"), service("99213", 10000, 0, control="A1"))
    assert matched(the_claim, the_payment) == [(2, MatchMethod.CONTROL_NUMBER), (1, MatchMethod.CONTROL_NUMBER)]


def test_a_control_number_naming_a_used_line_is_not_matched_elsewhere():
    the_claim = claim(claim_line(1, 1, control="A1"), claim_line(2, 2))
    the_payment = payment("1", service("99213", 10000, 0, control="A1"))
    assert matched(the_claim, the_payment, used={1}) == [(None, MatchMethod.NONE)]


def test_a_control_number_the_claim_does_not_know_falls_back_to_the_procedure():
    the_claim = claim(claim_line(1, 1, control="A1"))
    assert matched(the_claim, payment("1", service("99213", 10000, 0, control="0001"))) == [(1, MatchMethod.PROCEDURE)]


def test_payer_changed_code_matches_by_the_billed_code_in_svc06():
    the_claim = claim(claim_line(1, 1, "59410", 121000, modifiers=("GC",)))
    the_payment = payment("1", service("59430", 121000, 0, original="59410", original_modifiers=("GC",)))
    assert matched(the_claim, the_payment) == [(1, MatchMethod.PROCEDURE)]


def test_modifiers_compare_as_a_set():
    the_claim = claim(claim_line(1, 1, modifiers=("25", "59")))
    assert matched(the_claim, payment("1", service("99213", 10000, 0, modifiers=("59", "25")))) == [
        (1, MatchMethod.PROCEDURE)
    ]
    assert matched(the_claim, payment("1", service("99213", 10000, 0, modifiers=("25",)))) == [(None, MatchMethod.NONE)]


def test_date_and_charge_must_agree():
    the_claim = claim(claim_line(1, 1))
    assert matched(the_claim, payment("1", service("99213", 9999, 0)))[0][0] is None
    assert matched(the_claim, payment("1", service("99213", 10000, 0, on=date(2026, 5, 2))))[0][0] is None


def test_a_service_period_must_agree_with_the_lines_span():
    the_claim = claim(claim_line(1, 1, on=date(2026, 3, 1), until=date(2026, 3, 4)))
    assert (
        matched(the_claim, payment("1", service("99213", 10000, 0, on=date(2026, 3, 1), until=date(2026, 3, 4))))[0][0]
        == 1
    )
    assert (
        matched(the_claim, payment("1", service("99213", 10000, 0, on=date(2026, 3, 1), until=date(2026, 3, 5))))[0][0]
        is None
    )


def test_a_line_without_a_date_matches_on_code_and_charge():
    assert matched(claim(claim_line(1, 1)), payment("1", service("99213", 10000, 0, on=None))) == [
        (1, MatchMethod.PROCEDURE)
    ]


def test_identical_lines_are_taken_in_line_order():
    # Claim.lines come in line-number order; ids need not follow it.
    the_claim = claim(claim_line(7, 1), claim_line(5, 2), claim_line(9, 3))
    the_payment = payment("1", service("99213", 10000, 100), service("99213", 10000, 200))
    assert [line_id for line_id, _ in matched(the_claim, the_payment)] == [7, 5]


def test_a_split_claim_uses_each_line_once_across_its_payments():
    the_claim = claim(claim_line(1, 1), claim_line(2, 2))
    first = plan(the_claim, payment("1", service("99213", 10000, 10000)), balances={1: 20000})
    second = plan(
        the_claim, payment("1", service("99213", 10000, 10000)), balances={1: 10000}, used_line_ids=first.line_ids_used
    )
    assert (first.line_ids_used, second.line_ids_used) == ({1}, {2})
    third = plan(
        the_claim,
        payment("1", service("99213", 10000, 0, adj("CO", "18", 10000))),
        balances={1: 0},
        used_line_ids=first.line_ids_used | second.line_ids_used,
    )
    assert [m.claim_line_id for m in third.matches] == [None]


def test_an_unmatched_line_posts_at_claim_level_and_asks_for_a_person():
    the_claim = claim(claim_line(1, 1))
    result = plan(
        the_claim,
        payment("1", service("99213", 10000, 8000, adj("CO", "45", 2000)), service("36415", 2500, 2500)),
        balances={1: 12500},
    )
    assert result.disposition is Disposition.POST
    assert kinds(result) == [
        (1, 1, "payment", -8000, ""),
        (1, 1, "contractual", -2000, "CO-45"),
        (None, 1, "payment", -2500, ""),
    ]
    (problem,) = result.problems
    assert problem.kind is ProblemKind.UNMATCHED_LINE and not problem.blocks and result.needs_exception
    assert "service line 2 matches no claim line" in problem.message


def test_matching_never_changes_the_used_set_passed_in():
    used = {3}
    match_lines(claim(claim_line(1, 1)), payment("1", service("99213", 10000, 0)), used)
    assert used == {3} and date(2026, 5, 1) == DOS
