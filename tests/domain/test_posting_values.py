"""The quick constructors posting uses build ordinary, immutable values, equal to the
ones the frozen dataclasses' own constructors build."""

from __future__ import annotations

import dataclasses

import pytest

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.posting.era import (
    DenialToOpen,
    EntryKind,
    FollowUp,
    FollowUpKind,
    LineMatch,
    MatchMethod,
    PlannedEntry,
    PlanTotals,
    ProblemKind,
    Severity,
)
from ar_cli.domain.posting.result import new_totals
from ar_cli.domain.posting.values import new_denial, new_entry, new_follow_up, new_match
from domain.test_posting_builders import service

LINE = service("99213", 10000, 0)
CASES = [
    (new_entry, PlannedEntry, (3, 1, EntryKind.TRANSFER, -500, "PR", "2", ("N4",), 1, 42)),
    (new_match, LineMatch, (0, LINE, 7, MatchMethod.PROCEDURE)),
    (new_denial, DenialToOpen, (3, 1, "CO", "97", (), DenialCategory.BUNDLING, 2500, 3000, 40)),
    (new_follow_up, FollowUp, (FollowUpKind.PENDING, None, 1, 30, "OA", "133", (), 700, 41)),
    (new_totals, PlanTotals, (100, 60, 40)),
]


@pytest.mark.parametrize("quick, cls, values", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_quick_values_are_the_real_thing(quick, cls, values):
    names = [f.name for f in dataclasses.fields(cls)]
    made = quick(*values)
    real = cls(**dict(zip(names, values)))
    assert type(made) is cls and made == real and hash(made) == hash(real) and repr(made) == repr(real)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, names[0], None)


def test_quick_values_take_keywords_and_defaults():
    assert new_entry(1, 1, EntryKind.PAYMENT, -100, segment=9) == PlannedEntry(
        claim_line_id=1, responsibility=1, kind=EntryKind.PAYMENT, amount=-100, segment=9
    )


def test_every_problem_kind_has_a_severity():
    blocking = {k for k in ProblemKind if k.severity is Severity.BLOCKING}
    assert blocking == {
        ProblemKind.PAYER_MISMATCH,
        ProblemKind.PATIENT_MISMATCH,
        ProblemKind.UNBALANCED_CLAIM,
        ProblemKind.UNBALANCED_LINE,
        ProblemKind.UNKNOWN_STATUS,
        ProblemKind.NO_POST_STATUS_WITH_MONEY,
        ProblemKind.OVER_ADJUSTED,
        ProblemKind.REVERSAL_SIGN,
        ProblemKind.MISSING_LINE_AMOUNT,
        ProblemKind.REPEATED_CLAIM_NUMBER,
    }
    assert {k for k in ProblemKind if k.severity is Severity.EXCEPTION} == {
        ProblemKind.UNMATCHED_LINE,
        ProblemKind.REVERSAL_DIFFERS,
        ProblemKind.REVERSAL_UNPAIRED,
    }
