"""What makes a nightly run ask for a human (pure)."""

from ar_cli.domain.nightly import OVER_90, thresholds_crossed, what_is_new

SEEN = {"exceptions": ["3", "4"], "appeals_due": ["C1:7"], "filing_at_risk": [], "thresholds": []}


def test_first_run_reports_everything_open():
    new = what_is_new(SEEN, None, over_90_share=0.1, threshold=0.25)
    assert new == ["2 new remittance exceptions: #3, #4", "1 appeal newly coming due: C1:7"]


def test_nothing_new_when_the_same_items_were_seen():
    assert what_is_new(SEEN, SEEN, over_90_share=0.1, threshold=0.25) == []


def test_only_the_new_item_is_named():
    before = {**SEEN, "exceptions": ["3"]}
    assert what_is_new(SEEN, before, over_90_share=None, threshold=0.25) == ["1 new remittance exception: #4"]


def test_a_threshold_asks_once_the_night_it_is_crossed():
    crossed = thresholds_crossed(over_90_share=0.4, threshold=0.25)
    assert crossed == [OVER_90]
    tonight = {**SEEN, "thresholds": crossed}
    assert what_is_new(tonight, SEEN, over_90_share=0.4, threshold=0.25) == [
        "AR over 90 days is 40.0% of AR, above the 25% threshold (config report.ar_over_90_threshold)"
    ]
    assert what_is_new(tonight, tonight, over_90_share=0.4, threshold=0.25) == []
    assert thresholds_crossed(over_90_share=0.25, threshold=0.25) == []
    assert thresholds_crossed(over_90_share=None, threshold=0.25) == []


def test_long_lists_are_cut_in_the_log_line():
    many = {"exceptions": [str(i) for i in range(10, 20)]}
    (line,) = what_is_new(many, None, over_90_share=None, threshold=1)
    assert line.startswith("10 new remittance exceptions: #10, #11, #12, #13, #14") and line.endswith("…")


def test_a_deadline_passed_in_a_gap_is_news_unless_the_last_run_called_it_coming_due():
    tonight = {"appeals_passed": ["C1:7", "C2:9"]}
    before = {"appeals_due": ["C1:7"]}
    assert what_is_new(tonight, before, over_90_share=None, threshold=1, since="2026-08-01") == [
        "1 appeal deadline passed since the last run (2026-08-01): C2:9"
    ]
    assert what_is_new(tonight, {}, over_90_share=None, threshold=1, since="2026-08-01") == [
        "2 appeal deadlines passed since the last run (2026-08-01): C1:7, C2:9"
    ]
    assert what_is_new(tonight, tonight, over_90_share=None, threshold=1, since="2026-08-01") == []
