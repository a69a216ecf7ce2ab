"""PlanWork keeps each (group, CARC, RARCs)'s rule per treatment table rather than asking
the table for every adjustment: what it plans must be what the table and
`effective_treatment` say for that adjustment, for any amount's sign, and a second table
must never see the first one's rules (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ar_cli.domain.claims.records import PATIENT
from ar_cli.domain.codes.treatment_table import TreatmentTable
from ar_cli.domain.codes.treatments import Treatment, effective_treatment
from ar_cli.domain.posting.amounts import PlanWork
from ar_cli.domain.posting.era import EntryKind
from domain.test_posting_builders import adj, payment, table

GROUPS = ["CO", "PR", "OA", "PI", "CR"]
REASONS = ["45", "1", "2", "97", "50", "133", "23", "253", "B99", "16", "045", "ZZ9"]
REMARKS = st.lists(st.sampled_from(["N4", "MA130", "M80", "N130"]), max_size=2, unique=True).map(tuple)
ADJUSTMENTS = st.lists(
    st.tuples(st.sampled_from(GROUPS), st.sampled_from(REASONS), st.integers(-50_000, 50_000), REMARKS),
    max_size=12,
)
_BUCKET = {
    Treatment.CONTRACTUAL: "contractual",
    Treatment.DENIAL: "denied",
    Treatment.PENDING: "pending",
    Treatment.INFORMATIONAL: "informational",
}


def _planned(the_table, drawn, *, receiver: int = PATIENT, reversal: bool = False) -> PlanWork:
    work = PlanWork(payment("1"), 1, the_table, receiver, reversal=reversal)
    for group, reason, amount, remarks in drawn:
        work.adjustment(adj(group, reason, amount), None, remarks)
    return work


def _expected(the_table, drawn, *, receiver: int) -> tuple[dict[str, int], list[tuple[str, str, tuple[str, ...]]]]:
    sums = dict.fromkeys(("contractual", "to_patient", "to_next_payer", "denied", "pending", "informational"), 0)
    written = []
    for group, reason, amount, remarks in drawn:
        if not amount:
            continue
        made = adj(group, reason, amount)
        rule = the_table.lookup(str(made.group), reason, remarks)
        treatment = effective_treatment(rule, amount)
        if treatment is Treatment.PATIENT:
            sums["to_patient" if receiver == PATIENT else "to_next_payer"] += amount
            written += [(str(made.group), rule.carc or reason, remarks)] * 2
        else:
            sums[_BUCKET[treatment]] += amount
            if treatment is Treatment.CONTRACTUAL:
                written.append((str(made.group), rule.carc or reason, remarks))
    return sums, written


def _got(work: PlanWork) -> tuple[dict[str, int], list[tuple[str, str, tuple[str, ...]]]]:
    names = ("contractual", "to_patient", "to_next_payer", "denied", "pending", "informational")
    return (
        {name: getattr(work, name) for name in names},
        [(e.group, e.reason_code, e.remark_codes) for e in work.entries],
    )


@settings(max_examples=200, deadline=None)
@given(ADJUSTMENTS, st.sampled_from([PATIENT, 2]))
def test_each_adjustment_is_planned_as_the_table_says(drawn, receiver):
    work = _planned(table(), drawn, receiver=receiver)
    assert _got(work) == _expected(table(), drawn, receiver=receiver)
    assert all(e.kind in (EntryKind.CONTRACTUAL, EntryKind.TRANSFER) for e in work.entries)
    again = _planned(table(), drawn, receiver=receiver)  # the kept rules give the same plan
    assert _got(again) == _got(work)
    assert [(e.kind, e.amount, e.transfer_key) for e in again.entries] == [
        (e.kind, e.amount, e.transfer_key) for e in work.entries
    ]


@settings(max_examples=50, deadline=None)
@given(ADJUSTMENTS)
def test_a_second_table_does_not_see_the_first_ones_rules(drawn):
    override, _ = TreatmentTable.from_csv_text(
        "group,carc,rarc,treatment,category,next_action\nCO,45,,denial,other,appeal\n", "override.csv"
    )
    other = table().merged(override)
    _planned(table(), drawn)
    work = _planned(other, drawn)
    assert _got(work) == _expected(other, drawn, receiver=PATIENT)
