"""Periods: parsing a month, and the refusal the posting services share."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.errors import InputError
from ar_cli.services.context import Actor
from ar_cli.services.periods import close_period, list_periods, parse_period, reopen_period
from ar_cli.store.periods_repo import ensure_period_open


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_day_lies_in_its_month(day):
    period = parse_period(f"{day.year:04d}-{day.month:02d}")
    assert period.first <= day <= period.last
    assert period.first.day == 1 and period.last.month == day.month
    assert (period.last.toordinal() + 1) == date(day.year + (day.month == 12), day.month % 12 + 1, 1).toordinal()


@pytest.mark.parametrize("text", ["2026-6", "2026-00", "2026-13", "26-06", "2026/06", "", "2026-06-01"])
def test_not_a_month(text):
    with pytest.raises(InputError, match="is not a month"):
        parse_period(text)


def test_close_refuses_postings_in_that_month_only_until_reopened(ledger):
    actor = Actor(user="tester", now=datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    june = parse_period("2026-06")
    close_period(ledger, june, actor=actor)
    with ledger.read() as session:
        for day in (date(2026, 6, 1), date(2026, 6, 30)):
            with pytest.raises(InputError, match="period 2026-06 is closed"):
                ensure_period_open(session, day)
        ensure_period_open(session, date(2026, 5, 31))
        ensure_period_open(session, date(2026, 7, 1))
    reopen_period(ledger, june, reason="  late   recoupment ", actor=actor)
    with ledger.read() as session:
        ensure_period_open(session, date(2026, 6, 15))
    (state,) = list_periods(ledger)
    assert (state.period, state.status, state.reopened_by, state.reason) == ("2026-06", "reopened", "tester",
                                                                             "late recoupment")
