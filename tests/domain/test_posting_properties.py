"""Properties of every plan for any balanced claim payment (hypothesis).

The identity proved, for a balanced claim payment that posts, on the paying coverage r:

    CLP03 = paid + contractual + moved + denied + pending + informational     (1)
    Σ entries on r           = −(paid + contractual + moved)                  (2)
    Σ entries on receiver    = +moved    (the next coverage, else the patient)  (3)
    Σ payment entries        = −CLP04                                         (4)

so r's balance after posting = before − CLP03 + denied + pending + informational; a
coverage that held the whole charge keeps exactly what it denied, pended or only
reported. And no entry touches the patient unless a patient-treatment adjustment said so.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ar_cli.domain.codes.treatments import Treatment, effective_treatment
from ar_cli.domain.posting.era import (
    Disposition,
    EntryKind,
    ProblemKind,
    balances_after,
    line_balances_after,
    next_responsibility,
)
from domain.test_posting_builders import (
    adj,
    claim,
    claim_line,
    coverage,
    negated,
    payment,
    plan,
    service,
    table,
)

# Contractual, patient (listed and by fallback), denial (listed and by fallback),
# pending and informational codes, so every treatment is drawn.
CODES = [
    ("CO", "45"),
    ("CO", "253"),
    ("OA", "94"),
    ("PR", "1"),
    ("PR", "2"),
    ("PR", "3"),
    ("PR", "96"),
    ("PR", "B99"),
    ("CO", "97"),
    ("CO", "50"),
    ("CO", "197"),
    ("PI", "B99"),
    ("OA", "133"),
    ("OA", "23"),
    ("CO", "246"),
]
STATUSES = ["1", "2", "3", "4", "19", "20", "21"]

adjustments = st.lists(st.tuples(st.sampled_from(CODES), st.integers(-5000, 30000)), max_size=4)


@st.composite
def remitted(draw):
    """(claim, payment, payer id, payer rank, balance the payer holds)."""
    ranks = sorted(draw(st.sets(st.sampled_from([1, 2, 3]), min_size=1)))
    rank = draw(st.sampled_from(ranks))
    services, lines = [], []
    for number in range(1, draw(st.integers(0, 4)) + 1):
        code = draw(st.sampled_from(["99213", "36415"]))
        adjs = [adj(g, c, amount) for (g, c), amount in draw(adjustments)]
        paid = draw(st.integers(0, 50000))
        charge = paid + sum(a.amount for a in adjs)
        if charge <= 0:  # a line charge is positive: pay the difference
            paid, charge = paid - charge + 1, 1
        services.append(service(code, charge, paid, *adjs))
        if not draw(st.booleans()) or number == 1:  # sometimes a line the claim does not have
            lines.append(claim_line(number, number, code, charge))
    claim_adjs = tuple(adj(g, c, amount) for (g, c), amount in draw(adjustments))
    the_payment = payment(
        draw(st.sampled_from(STATUSES)),
        *services,
        adjustments=claim_adjs,
        charge=sum(s.charge for s in services) + draw(st.integers(0, 30000)) if not services else None,
    )
    if not services:  # no lines: CLP04 is what the claim-level adjustments leave
        the_payment = payment(
            the_payment.status_code,
            adjustments=claim_adjs,
            charge=the_payment.charge,
            paid=the_payment.charge - sum(a.amount for a in claim_adjs),
        )
    the_claim = claim(*(lines or [claim_line(1, 1)]), coverages=tuple(coverage(r, 10 * r) for r in ranks))
    held = draw(st.one_of(st.just(the_payment.charge), st.integers(0, 2 * abs(the_payment.charge) + 1)))
    return the_claim, the_payment, 10 * rank, rank, held


def every_adjustment(the_payment):
    yield from the_payment.adjustments
    for line in the_payment.lines:
        yield from line.adjustments


def treated(the_payment, wanted: Treatment) -> int:
    """Σ adjustment amounts whose effective treatment is `wanted`, computed from the table."""
    return sum(
        a.amount
        for a in every_adjustment(the_payment)
        if effective_treatment(table().lookup(str(a.group), a.reason_code, ()), a.amount) is wanted
    )


@settings(max_examples=300, deadline=None)
@given(remitted())
def test_every_balanced_payment_ties_to_the_cent(case):
    the_claim, the_payment, payer_id, rank, held = case
    result = plan(the_claim, the_payment, payer_id=payer_id, balances={rank: held})
    assert not [p for p in result.problems if p.blocks and p.kind is not ProblemKind.OVER_ADJUSTED]
    unlimited = plan(the_claim, the_payment, payer_id=payer_id, balances={rank: 10**12})
    if result.disposition is Disposition.PARK:
        assert unlimited.totals.lowered > held and result.parked == the_payment.paid
        return
    assert result.disposition is Disposition.POST and result.parked == 0
    t = result.totals
    # (1) every CAS amount lands in exactly one bucket
    assert t.charge == the_payment.charge == (t.paid + t.contractual + t.moved + t.denied + t.pending + t.informational)
    # (4) money in the ledger = money in the bank
    assert t.paid == the_payment.paid
    assert sum(e.amount for e in result.entries if e.kind is EntryKind.PAYMENT) == -the_payment.paid
    # (2) and (3): the payer's balance goes down by what it paid, wrote down and moved;
    # only the receiver gets anything, and exactly what was moved
    receiver = next_responsibility(the_claim, rank)
    sums = defaultdict(int)
    for entry in result.entries:
        sums[entry.responsibility] += entry.amount
    assert sums[rank] == -t.lowered
    assert sums[receiver] == t.moved == treated(the_payment, Treatment.PATIENT)
    assert set(sums) <= {rank, receiver}
    after = balances_after({rank: held}, result)[rank]
    assert after == held - the_payment.charge + t.denied + t.pending + t.informational
    if held == the_payment.charge:
        assert after == t.denied + t.pending + t.informational
    # the totals agree with the table, computed independently
    assert t.contractual == treated(the_payment, Treatment.CONTRACTUAL)
    assert t.denied == treated(the_payment, Treatment.DENIAL)
    assert t.pending == treated(the_payment, Treatment.PENDING)
    # denials: never more than asked, never more than the coverage holds after the entries
    assert all(0 < d.amount <= d.reported_amount for d in result.denials)
    assert t.denied_open == sum(d.amount for d in result.denials) <= max(after, 0)
    assert all(d.responsibility == rank for d in result.denials)
    assert bool(result.follow_ups and result.follow_ups[-1].kind == "crossover") is result.crossover


@settings(max_examples=300, deadline=None)
@given(remitted())
def test_nothing_reaches_the_patient_unless_a_patient_adjustment_says_so(case):
    the_claim, the_payment, payer_id, rank, _ = case
    result = plan(the_claim, the_payment, payer_id=payer_id, balances={rank: 10**12})
    pairs = defaultdict(list)
    for entry in result.entries:
        if entry.responsibility != rank:
            assert entry.kind is EntryKind.TRANSFER
        if entry.kind is EntryKind.TRANSFER:
            pairs[entry.transfer_key].append(entry)
    for giver, receiver in pairs.values():
        assert (giver.responsibility, receiver.responsibility) == (rank, next_responsibility(the_claim, rank))
        assert giver.amount == -receiver.amount and giver.claim_line_id == receiver.claim_line_id
        rule = table().lookup(receiver.group, receiver.reason_code, receiver.remark_codes)
        assert effective_treatment(rule, receiver.amount) is Treatment.PATIENT
    to_patient = sum(e.amount for e in result.entries if e.responsibility == 0)
    expected = treated(the_payment, Treatment.PATIENT) if next_responsibility(the_claim, rank) == 0 else 0
    assert to_patient == expected == result.totals.to_patient


@settings(max_examples=200, deadline=None)
@given(remitted())
def test_a_reversal_plans_the_negation_of_its_original(case):
    the_claim, the_payment, payer_id, rank, _ = case
    assume(the_payment.charge > 0)
    original = plan(the_claim, the_payment, payer_id=payer_id, balances={rank: 10**12})
    reversal = plan(the_claim, negated(the_payment), payer_id=payer_id, balances={rank: 10**12})
    assert reversal.disposition is Disposition.POST and reversal.is_reversal
    assert [
        (e.claim_line_id, e.responsibility, e.kind, -e.amount, e.transfer_key, e.reason_code) for e in reversal.entries
    ] == [
        (e.claim_line_id, e.responsibility, e.kind, e.amount, e.transfer_key, e.reason_code) for e in original.entries
    ]
    assert reversal.denials == () and reversal.follow_ups == ()
    assert reversal.totals.paid == -original.totals.paid


@settings(max_examples=300, deadline=None)
@given(remitted())
def test_denials_never_exceed_what_the_line_still_holds(case):
    the_claim, the_payment, payer_id, rank, _ = case
    held_by_line = {(line.id, rank): line.charge for line in the_claim.lines}
    total = sum(held_by_line.values())
    result = plan(the_claim, the_payment, payer_id=payer_id, balances={rank: total}, line_balances=held_by_line)
    assume(result.disposition is Disposition.POST)
    after = line_balances_after(held_by_line, result)
    pool = max(after.get((None, rank), 0), 0)
    denied = defaultdict(int)
    for denial in result.denials:
        denied[denial.claim_line_id] += denial.amount
    for line_id, amount in denied.items():
        if line_id is not None:  # a claim-level denial may take from any line: checked below
            assert amount <= max(after.get((line_id, rank), 0), 0) + pool
    assert sum(denied.values()) <= max(balances_after({rank: total}, result)[rank], 0)


@settings(max_examples=200, deadline=None)
@given(remitted(), st.integers(1, 10_000))
def test_a_stored_signature_pairs_the_exact_negation_and_nothing_else(case, off):
    """What posting stores for a payment (payment_signature) accepts its exact reversal,
    and any other amount on the reversal is a reversal_differs problem."""
    from dataclasses import replace

    from ar_cli.domain.posting.era import check_reversal, payment_signature

    _, the_payment, _, _, _ = case
    stored = payment_signature(the_payment)
    reversal = negated(the_payment)
    assert check_reversal(reversal, stored, the_payment.paid) == []
    (problem,) = check_reversal(replace(reversal, paid=reversal.paid - off), stored, the_payment.paid)
    assert problem.kind is ProblemKind.REVERSAL_DIFFERS
