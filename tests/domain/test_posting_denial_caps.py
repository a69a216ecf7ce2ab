"""Denials a claim payment opens next to the coverage's denials still worked (issue 13
item 2): a denial said again (same line, coverage, group and CARC) opens nothing and is
named for the caller; the new ones never take money the earlier ones hold (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ar_cli.domain.codes.treatments import DenialCategory, Treatment, TreatmentRule
from ar_cli.domain.posting.denial_caps import AskedDenial, EarlierDenial, cap_denials
from ar_cli.domain.remittance.advice import Adjustment, AdjustmentGroup

LINES = [None, 1, 2]
CODES = [("CO", "16"), ("CO", "197"), ("PR", "27")]


def _asked(line_id, group, carc, cents, segment=20):
    adjustment = Adjustment(
        group=AdjustmentGroup(group),
        group_as_sent=group,
        reason_code=carc,
        amount=cents,
        quantity=None,
        segment=segment,
    )
    rule = TreatmentRule(
        group=group,
        carc=carc,
        rarc=None,
        treatment=Treatment.DENIAL,
        category=DenialCategory.OTHER,
        next_action="appeal",
    )
    return AskedDenial(line_id, adjustment, rule, ())


earlier_denials = st.lists(
    st.tuples(st.sampled_from(LINES), st.sampled_from([1, 2]), st.sampled_from(CODES), st.integers(0, 20000)),
    max_size=4,
)
asked_denials = st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(CODES), st.integers(1, 20000)), max_size=4)
held = st.dictionaries(st.sampled_from(LINES), st.integers(-5000, 20000), max_size=3)


@settings(max_examples=300, deadline=None)
@given(earlier_denials, asked_denials, held)
def test_new_denials_take_only_what_earlier_ones_leave(earlier, asked, line_balances):
    rank = 1
    known = [
        EarlierDenial(n, line, who, group, carc, cents) for n, (line, who, (group, carc), cents) in enumerate(earlier)
    ]
    open_total = sum(line_balances.values())
    repeats: list = []
    problems: list = []
    opened = cap_denials(
        "C1",
        rank,
        [_asked(line, g, c, cents) for line, (g, c), cents in asked],
        open_total=open_total,
        entries=(),
        line_balances={(k, rank): v for k, v in line_balances.items()},
        problems=problems,
        earlier=known,
        repeats=repeats,
    )
    mine = {(e.line_id, e.group, e.reason_code) for e in known if e.responsibility == rank}
    said_again = [a for a in asked if (a[0], *a[1]) in mine]
    assert len(repeats) == len(said_again)
    assert all(known[key].responsibility == rank for key, _ in repeats)
    assert not {(d.claim_line_id, d.group, d.reason_code) for d in opened} & mine
    earlier_at_stake = sum(e.at_stake for e in known if e.responsibility == rank)
    assert sum(d.amount for d in opened) <= max(open_total - min(earlier_at_stake, max(open_total, 0)), 0)
    assert all(d.amount > 0 for d in opened)


def test_the_same_denial_said_again_is_named_not_opened():
    repeats: list = []
    opened = cap_denials(
        "C1",
        1,
        [_asked(1, "CO", "16", 20000, segment=14)],
        open_total=20000,
        entries=(),
        line_balances={(1, 1): 20000},
        problems=[],
        repeats=repeats,
        earlier=[EarlierDenial("row", 1, 1, "CO", "16", 20000)],
    )
    assert opened == [] and repeats == [("row", 14)]
