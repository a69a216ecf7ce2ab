"""Denial rules (pure): appeal and resolution steps, automatic overturn."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.codes.treatments import DenialCategory
from ar_cli.domain.denials.resolutions import (
    DenialState,
    DenialStatus,
    OverturnCandidate,
    Resolution,
    allocate_overturn,
    check_appeal,
    check_resolution,
    take_in_order,
)
from ar_cli.domain.errors import InputError


def state(status=DenialStatus.OPEN, level=0, category=DenialCategory.MEDICAL_NECESSITY):
    return DenialState(id=7, status=status, level=level, category=category, at_stake=1000)


def test_appeals_climb_one_level_at_a_time():
    assert check_appeal(state()) == 1
    assert check_appeal(state(DenialStatus.UPHELD, level=1)) == 2
    with pytest.raises(InputError, match="upheld at the last appeal level"):
        check_appeal(state(DenialStatus.UPHELD, level=5))


@pytest.mark.parametrize(
    "status", [DenialStatus.APPEALED, DenialStatus.RESOLVED, DenialStatus.SUPERSEDED, DenialStatus.OVERTURNED]
)
def test_only_open_or_upheld_denials_are_appealed(status):
    with pytest.raises(InputError, match="only an open or upheld denial can be appealed"):
        check_appeal(state(status))


def test_missing_information_is_corrected_not_appealed():
    with pytest.raises(InputError, match="not appealed: Correct the claim and resubmit"):
        check_appeal(state(category=DenialCategory.MISSING_INFO))


def test_resolutions_and_their_statuses():
    assert check_resolution(state(DenialStatus.APPEALED, 1), Resolution.UPHELD) is DenialStatus.UPHELD
    assert check_resolution(state(), Resolution.OVERTURNED) is DenialStatus.OVERTURNED
    for money in (
        Resolution.TO_PATIENT,
        Resolution.WRITTEN_OFF,
        Resolution.BILLED_OTHER_PAYER,
        Resolution.CORRECTED_CLAIM_SENT,
    ):
        assert check_resolution(state(), money) is DenialStatus.RESOLVED
    with pytest.raises(InputError, match="only an appeal can be upheld"):
        check_resolution(state(), Resolution.UPHELD)


@pytest.mark.parametrize("status", [DenialStatus.RESOLVED, DenialStatus.OVERTURNED, DenialStatus.SUPERSEDED])
def test_resolving_twice_is_refused(status):
    with pytest.raises(InputError, match="resolving it again changes nothing"):
        check_resolution(state(status), Resolution.WRITTEN_OFF)


def test_overturn_takes_the_line_payment_then_the_rest_for_claim_level_denials():
    denials = [
        OverturnCandidate(key="a", line_id=1, at_stake=500),
        OverturnCandidate(key="b", line_id=1, at_stake=500),
        OverturnCandidate(key="c", line_id=2, at_stake=300),
        OverturnCandidate(key="d", line_id=None, at_stake=900),
    ]
    assert allocate_overturn(denials, {1: 700, 3: 100}) == [("a", 500), ("b", 200), ("d", 100)]
    assert allocate_overturn(denials, {2: 0}) == []  # nothing paid: nothing overturned


@given(
    st.lists(st.tuples(st.sampled_from([None, 1, 2, 3]), st.integers(0, 10_000)), max_size=8),
    st.dictionaries(st.sampled_from([None, 1, 2, 3]), st.integers(-500, 10_000)),
)
def test_overturn_never_recovers_more_than_paid_or_at_stake(denials, paid):
    candidates = [OverturnCandidate(key=n, line_id=line, at_stake=amount) for n, (line, amount) in enumerate(denials)]
    found = dict(allocate_overturn(candidates, paid))
    assert sum(found.values()) <= sum(p for p in paid.values() if p > 0)
    for n, (line, amount) in enumerate(denials):
        assert 0 <= found.get(n, 0) <= amount
        paid_line = paid.get(line, 0) > 0 if line is not None else any(p > 0 for p in paid.values())
        assert (n in found) == paid_line


def test_take_in_order():
    assert take_in_order([300, 300, 300], 500) == [300, 200, 0]


@pytest.mark.parametrize("category", [DenialCategory.TIMELY_FILING, DenialCategory.BUNDLING])
def test_timely_filing_and_bundling_never_go_to_the_patient(category):
    with pytest.raises(InputError, match="cannot be moved to the patient"):
        check_resolution(state(category=category), Resolution.TO_PATIENT)
    assert check_resolution(state(category=category), Resolution.WRITTEN_OFF) is DenialStatus.RESOLVED
