"""Appeal windows per payer and level, and their deadlines (pure)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.denials.appeals import appeal_windows, level_deadline, next_level, remittance_start


def test_medicare_redetermination_is_120_days_plus_5_days_mail():
    windows = appeal_windows("medicare")
    assert windows[1].name == "redetermination"
    assert level_deadline(windows, 1, date(2026, 5, 1)) == date(2026, 9, 3)  # 125 days later


def test_medicare_reconsideration_is_180_days_from_the_decision():
    windows = appeal_windows("medicare")
    assert windows[2].name == "reconsideration"
    assert level_deadline(windows, 2, date(2026, 10, 1)) == date(2027, 3, 30)


def test_other_payers_default_to_180_days_at_every_level():
    windows = appeal_windows("commercial")
    assert {w.days + w.mail_days for w in windows.values()} == {180}
    assert level_deadline(windows, 1, date(2026, 1, 1)) == date(2026, 6, 30)


def test_a_configured_window_replaces_its_level_only():
    windows = appeal_windows("medicare", {1: 90})
    assert (windows[1].days, windows[1].mail_days) == (90, 5)
    assert windows[2].days == 180
    assert appeal_windows("other", {2: 60})[2].days == 60


def test_the_clock_starts_at_bpr16_else_dtm405():
    assert remittance_start(date(2026, 5, 1), date(2026, 4, 28)) == date(2026, 5, 1)
    assert remittance_start(None, date(2026, 4, 28)) == date(2026, 4, 28)
    assert remittance_start(None, None) is None
    assert level_deadline(appeal_windows("other"), 1, None) is None


def test_levels_run_one_to_five():
    assert [next_level(n) for n in range(6)] == [1, 2, 3, 4, 5, None]


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.sampled_from(["medicare", "medicaid", "commercial", "other"]),
    st.integers(1, 5),
)
def test_a_deadline_is_never_before_its_start_and_counts_exact_days(start, kind, level):
    window = appeal_windows(kind)[level]
    deadline = level_deadline(appeal_windows(kind), level, start)
    assert deadline - start == timedelta(days=window.days + window.mail_days) and deadline > start
