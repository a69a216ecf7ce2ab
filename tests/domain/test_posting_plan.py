"""Posting plans for the situations a billing office meets every day: coordination of
benefits, crossovers, denials, pending amounts, partial payments, reversals."""

from __future__ import annotations

from ar_cli.domain.codes.treatments import DenialCategory as Category
from ar_cli.domain.posting.era import (
    Disposition,
    FollowUpKind,
    ProblemKind,
    balances_after,
    line_balances_after,
)
from domain.test_posting_builders import (
    MEDICARE,
    MEDIGAP,
    TERTIARY,
    adj,
    by_responsibility,
    claim,
    claim_line,
    coverage,
    kinds,
    negated,
    payment,
    plan,
    service,
)

TWO_COVERAGES = (coverage(1, MEDICARE), coverage(2, MEDIGAP))


def test_primary_writes_down_and_moves_the_patient_share_to_the_secondary():
    the_claim = claim(claim_line(1, 1, charge=10000), coverages=TWO_COVERAGES)
    primary = payment(
        "1",
        service(
            "99213", 10000, 5000, adj("CO", "45", 2000), adj("PR", "1", 1000), adj("PR", "2", 1500), adj("PR", "3", 500)
        ),
    )
    result = plan(the_claim, primary)
    assert result.disposition is Disposition.POST and result.problems == ()
    assert kinds(result) == [
        (1, 1, "payment", -5000, ""),
        (1, 1, "contractual", -2000, "CO-45"),
        (1, 1, "transfer", -1000, "PR-1"),
        (1, 2, "transfer", 1000, "PR-1"),
        (1, 1, "transfer", -1500, "PR-2"),
        (1, 2, "transfer", 1500, "PR-2"),
        (1, 1, "transfer", -500, "PR-3"),
        (1, 2, "transfer", 500, "PR-3"),
    ]
    keys = [e.transfer_key for e in result.entries if e.transfer_key is not None]
    assert keys == [1, 1, 2, 2, 3, 3]
    assert (result.totals.paid, result.totals.contractual, result.totals.to_next_payer, result.totals.to_patient) == (
        5000,
        2000,
        3000,
        0,
    )
    assert balances_after({1: 10000}, result) == {1: 0, 2: 3000}
    assert result.line_ids_used == frozenset({1})


def test_secondary_pays_its_coverage_and_moves_its_own_patient_share_to_the_patient():
    the_claim = claim(claim_line(1, 1, charge=10000), coverages=TWO_COVERAGES)
    primary = plan(
        the_claim,
        payment("1", service("99213", 10000, 5000, adj("CO", "45", 2000), adj("PR", "1", 1000), adj("PR", "2", 2000))),
    )
    held = balances_after({1: 10000}, primary)
    # The secondary reports the primary's part as OA-23 (informational), pays 2500 and
    # leaves a 500 copay with the patient.
    secondary = plan(
        the_claim,
        payment("2", service("99213", 10000, 2500, adj("OA", "23", 7000), adj("PR", "3", 500))),
        payer_id=MEDIGAP,
        balances=held,
    )
    assert secondary.payer_rank == 2 and secondary.problems == ()
    assert kinds(secondary) == [
        (1, 2, "payment", -2500, ""),
        (1, 2, "transfer", -500, "PR-3"),
        (1, 0, "transfer", 500, "PR-3"),
    ]
    assert secondary.totals.informational == 7000
    assert balances_after(held, secondary) == {1: 0, 2: 0, 0: 500}


def test_a_secondary_moves_its_patient_share_to_a_tertiary_when_there_is_one():
    the_claim = claim(claim_line(1, 1, charge=10000), coverages=(*TWO_COVERAGES, coverage(3, TERTIARY)))
    result = plan(
        the_claim,
        payment("2", service("99213", 10000, 2000, adj("OA", "23", 7000), adj("PR", "2", 1000))),
        payer_id=MEDIGAP,
        balances={2: 3000},
    )
    assert by_responsibility(result) == {2: -3000, 3: 1000}
    assert result.totals.to_next_payer == 1000 and result.totals.to_patient == 0


def test_a_primary_without_a_secondary_moves_the_patient_share_to_the_patient():
    result = plan(claim(claim_line(1, 1)), payment("1", service("99213", 10000, 7000, adj("PR", "2", 3000))))
    assert by_responsibility(result) == {1: -10000, 0: 3000}
    assert result.totals.to_patient == 3000


def test_a_gap_in_the_coverages_is_skipped():
    the_claim = claim(claim_line(1, 1), coverages=(coverage(1, MEDICARE), coverage(3, TERTIARY)))
    result = plan(the_claim, payment("1", service("99213", 10000, 9000, adj("PR", "1", 1000))))
    assert by_responsibility(result) == {1: -10000, 3: 1000}


def test_crossover_is_flagged_with_a_follow_up_and_the_patient_share_still_moves():
    the_claim = claim(claim_line(1, 1), coverages=TWO_COVERAGES)
    result = plan(the_claim, payment("19", service("99213", 10000, 6000, adj("CO", "45", 2000), adj("PR", "2", 2000))))
    assert result.crossover and result.disposition is Disposition.POST
    (follow_up,) = result.follow_ups
    assert (follow_up.kind, follow_up.responsibility, follow_up.days, follow_up.amount) == (
        FollowUpKind.CROSSOVER,
        2,
        30,
        2000,
    )
    assert by_responsibility(result) == {1: -10000, 2: 2000}


def test_crossover_without_a_next_coverage_warns():
    result = plan(claim(claim_line(1, 1)), payment("19", service("99213", 10000, 10000)))
    assert [p.kind for p in result.problems] == [ProblemKind.CROSSOVER_WITHOUT_NEXT_COVERAGE]
    assert not result.needs_exception and result.follow_ups[0].responsibility == 0


def test_full_denial_opens_one_denial_per_adjustment_and_no_second_one_for_the_status():
    the_claim = claim(claim_line(1, 1, charge=10000), claim_line(2, 2, "36415", 2500))
    denied = payment(
        "4", service("99213", 10000, 0, adj("CO", "197", 10000)), service("36415", 2500, 0, adj("CO", "197", 2500))
    )
    result = plan(the_claim, denied)
    assert result.claim_denied and result.entries == ()
    assert [(d.claim_line_id, d.responsibility, d.reason_code, d.amount, d.category) for d in result.denials] == [
        (1, 1, "197", 10000, Category.AUTHORIZATION),
        (2, 1, "197", 2500, Category.AUTHORIZATION),
    ]
    assert result.totals.denied == result.totals.denied_open == 12500


def test_line_denials_are_capped_at_what_the_coverage_still_holds():
    the_claim = claim(claim_line(1, 1, charge=10000), claim_line(2, 2, "97110", 5000), coverages=TWO_COVERAGES)
    # The secondary holds 3000 on line 1 and nothing on line 2, but denies both in full.
    lines_held = {(1, 2): 3000, (2, 2): 0}
    result = plan(
        the_claim,
        payment(
            "2", service("99213", 10000, 0, adj("CO", "97", 10000)), service("97110", 5000, 0, adj("CO", "50", 5000))
        ),
        payer_id=MEDIGAP,
        balances={2: 3000},
        line_balances=lines_held,
    )
    assert [(d.claim_line_id, d.amount, d.reported_amount, d.category) for d in result.denials] == [
        (1, 3000, 10000, Category.BUNDLING)
    ]
    assert [(p.kind, p.amount) for p in result.problems] == [
        (ProblemKind.DENIAL_CAPPED, 7000),
        (ProblemKind.DENIAL_CAPPED, 5000),
    ]
    assert result.totals.denied == 15000 and result.totals.denied_open == 3000


def test_a_line_denial_may_take_the_coverages_claim_level_money():
    the_claim = claim(claim_line(1, 1), coverages=TWO_COVERAGES)
    # The primary moved its patient share at claim level (line None).
    result = plan(
        the_claim,
        payment("2", service("99213", 10000, 0, adj("OA", "23", 8000), adj("CO", "50", 2000))),
        payer_id=MEDIGAP,
        balances={2: 2000},
        line_balances={(None, 2): 2000},
    )
    assert [(d.claim_line_id, d.amount) for d in result.denials] == [(1, 2000)]


def test_without_line_balances_denials_share_the_claim_balance_in_order():
    the_claim = claim(claim_line(1, 1), claim_line(2, 2, "97110", 5000), coverages=TWO_COVERAGES)
    result = plan(
        the_claim,
        payment(
            "2", service("99213", 10000, 0, adj("CO", "97", 10000)), service("97110", 5000, 0, adj("CO", "50", 5000))
        ),
        payer_id=MEDIGAP,
        balances={2: 12000},
    )
    assert [d.amount for d in result.denials] == [10000, 2000]


def test_pending_amount_stays_open_with_a_follow_up_and_no_denial():
    result = plan(
        claim(claim_line(1, 1)),
        payment("1", service("99213", 10000, 2000, adj("CO", "45", 3000), adj("OA", "133", 5000))),
    )
    assert result.denials == ()
    (follow_up,) = result.follow_ups
    assert (follow_up.kind, follow_up.claim_line_id, follow_up.reason_code, follow_up.amount) == (
        FollowUpKind.PENDING,
        1,
        "133",
        5000,
    )
    assert balances_after({1: 10000}, result) == {1: 5000}


def test_partial_payment_posts_each_line_on_its_own_claim_line():
    the_claim = claim(claim_line(1, 1, charge=10000), claim_line(2, 2, "36415", 2500))
    result = plan(
        the_claim,
        payment(
            "1", service("99213", 10000, 6000, adj("CO", "45", 4000)), service("36415", 2500, 0, adj("CO", "97", 2500))
        ),
    )
    assert kinds(result) == [(1, 1, "payment", -6000, ""), (1, 1, "contractual", -4000, "CO-45")]
    assert [(d.claim_line_id, d.amount) for d in result.denials] == [(2, 2500)]
    assert line_balances_after({(1, 1): 10000, (2, 1): 2500}, result) == {(1, 1): 0, (2, 1): 2500}


def test_claim_level_adjustments_post_at_claim_level_and_payments_total_the_check():
    # Lines say 8000 paid; a claim-level CO-45 of 500 makes CLP04 7500.
    the_claim = claim(claim_line(1, 1))
    result = plan(
        the_claim,
        payment("1", service("99213", 10000, 8000, adj("CO", "45", 2000)), adjustments=(adj("CO", "45", 500),)),
    )
    assert kinds(result) == [
        (1, 1, "payment", -8000, ""),
        (1, 1, "contractual", -2000, "CO-45"),
        (None, 1, "contractual", -500, "CO-45"),
        (None, 1, "payment", 500, ""),
    ]
    assert sum(e.amount for e in result.entries if e.kind == "payment") == -7500
    assert result.problems == ()


def test_a_claim_without_service_lines_posts_at_claim_level():
    result = plan(
        claim(claim_line(1, 1)),
        payment("1", adjustments=(adj("CO", "45", 3000), adj("PR", "1", 2000)), charge=10000, paid=5000),
    )
    assert kinds(result) == [
        (None, 1, "contractual", -3000, "CO-45"),
        (None, 1, "transfer", -2000, "PR-1"),
        (None, 0, "transfer", 2000, "PR-1"),
        (None, 1, "payment", -5000, ""),
    ]


def test_remark_codes_choose_the_rule_line_remarks_first():
    result = plan(
        claim(claim_line(1, 1)),
        payment("1", service("99213", 10000, 0, adj("CO", "16", 10000), remarks=("N4",)), remarks=("MA130",)),
    )
    (denial,) = result.denials
    assert denial.remark_codes == ("N4", "MA130")
    # CO-16 + N4 (prior payer's EOB missing) wins over the claim's CO-16 + MA130 (unprocessable).
    assert denial.category is Category.COORDINATION_OF_BENEFITS


def test_informational_codes_post_nothing():
    result = plan(claim(claim_line(1, 1)), payment("1", service("99213", 10000, 9000, adj("CO", "246", 1000))))
    assert kinds(result) == [(1, 1, "payment", -9000, "")]
    assert result.totals.informational == 1000


def test_negative_adjustments_undo_their_treatment_and_never_deny():
    # OA-94: paid above the charge (a negative contractual); PR-2 −5.00 gives back a
    # coinsurance; CO-97 −10.00 would be a "negative denial": informational instead.
    result = plan(
        claim(claim_line(1, 1)),
        payment(
            "1",
            service(
                "99213",
                10000,
                11500,
                adj("OA", "94", -2000),
                adj("PR", "2", -500),
                adj("CO", "97", -1000),
                adj("CO", "45", 2000),
            ),
        ),
        balances={1: 20000},
    )
    assert result.denials == () and result.follow_ups == ()
    assert kinds(result) == [
        (1, 1, "payment", -11500, ""),
        (1, 1, "contractual", 2000, "OA-94"),
        (1, 1, "transfer", 500, "PR-2"),
        (1, 0, "transfer", -500, "PR-2"),
        (1, 1, "contractual", -2000, "CO-45"),
    ]
    assert result.totals.informational == -1000


def test_a_reversal_posts_the_negation_of_its_original():
    the_claim = claim(claim_line(1, 1), claim_line(2, 2, "36415", 2500), coverages=TWO_COVERAGES)
    original = payment(
        "1",
        service("99213", 10000, 6000, adj("CO", "45", 2000), adj("PR", "2", 2000)),
        service("36415", 2500, 0, adj("CO", "97", 2500)),
    )
    first = plan(the_claim, original, balances={1: 12500})
    reversal = plan(the_claim, negated(original), balances=balances_after({1: 12500}, first))
    assert reversal.is_reversal and reversal.disposition is Disposition.POST
    assert [(e.claim_line_id, e.responsibility, e.kind, -e.amount, e.transfer_key) for e in reversal.entries] == [
        (e.claim_line_id, e.responsibility, e.kind, e.amount, e.transfer_key) for e in first.entries
    ]
    assert reversal.denials == () and reversal.follow_ups == ()
    assert reversal.line_ids_used == frozenset()  # the correction matches the same lines again
    assert balances_after(balances_after({1: 12500}, first), reversal) == {1: 12500, 2: 0}


def test_totals_tie_to_the_charge():
    result = plan(
        claim(claim_line(1, 1)),
        payment(
            "1",
            service(
                "99213",
                10000,
                4000,
                adj("CO", "45", 1000),
                adj("PR", "1", 2000),
                adj("CO", "97", 1500),
                adj("OA", "133", 1000),
                adj("OA", "23", 500),
            ),
        ),
    )
    t = result.totals
    assert t.charge == t.paid + t.contractual + t.moved + t.denied + t.pending + t.informational == 10000
    assert balances_after({1: 10000}, result)[1] == t.denied + t.pending + t.informational
