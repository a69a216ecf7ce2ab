"""Periods: parsing a month, and the refusal the posting services share."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.errors import InputError
from ar_cli.reports.periods import list_periods
from ar_cli.services.context import Actor
from ar_cli.services.periods import close_period, parse_period, reopen_period
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
    assert (state.period, state.status, state.reopened_by, state.reason) == (
        "2026-06",
        "reopened",
        "tester",
        "late recoupment",
    )


def test_a_closed_month_refuses_a_directory_of_eras_once_before_reading_it(ledger, tmp_path):
    """Not one error per file: the run is refused whole, before any file is opened (the
    folder's files are not 835s at all, and are never read)."""
    from ar_cli.services.claims.charge_file import import_claims
    from ar_cli.services.era.files import post_era_files
    from ar_cli.services.posting.batch import post_batch

    actor = Actor(user="tester", now=datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    close_period(ledger, parse_period("2026-06"), actor=actor)
    folder = tmp_path / "eras"
    folder.mkdir()
    for name in ("a.835", "b.835"):
        (folder / name).write_text("not X12")
    (folder / "c.835").mkdir()  # unreadable as a file: never reached
    june = date(2026, 6, 30)
    calls = [
        lambda: post_era_files(ledger, [folder], actor=actor, posting_date=june),
        lambda: post_era_files(ledger, [folder], actor=actor, posting_date=june, dry_run=True),
        lambda: post_batch(ledger, folder / "a.835", deposit_total=0, actor=actor, posting_date=june),
        lambda: import_claims(ledger, folder / "b.835", actor=actor, posting_date=june),
    ]
    for call in calls:
        with pytest.raises(InputError) as caught:
            call()
        assert str(caught.value) == (
            "--posting-date 2026-06-30: period 2026-06 is closed; post in an open period "
            "(the effective date says what it corrects), or reopen it: "
            "`ar-cli period reopen 2026-06 --reason TEXT`"
        )
    # The month after is open: the same folder is read (and refused per file, as not X12).
    results = post_era_files(ledger, [folder / "a.835", folder / "b.835"], actor=actor, posting_date=date(2026, 7, 1))
    assert [bool(r.error) for r in results] == [True, True]
