"""What makes a nightly run ask for a human: items not seen by the previous run, and
thresholds crossed. Pure: the runs' records come in as plain dicts."""

from __future__ import annotations

# What a run records as seen, and how a new one is named in the log line (one, many).
WATCHED = {
    "exceptions": ("new remittance exception", "new remittance exceptions"),
    "appeals_due": ("appeal newly coming due", "appeals newly coming due"),
    "appeals_passed": (
        "appeal deadline passed since the last run{since}",
        "appeal deadlines passed since the last run{since}",
    ),
    "filing_at_risk": ("claim line newly at timely-filing risk", "claim lines newly at timely-filing risk"),
}
# Items the last run already named under another key: a deadline it called "coming due"
# that has passed since is not news.
ALREADY_TOLD = {"appeals_passed": ("appeals_due",)}
OVER_90 = "ar_over_90"


def what_is_new(
    seen: dict[str, list[str]],
    before: dict[str, list[str]] | None,
    *,
    over_90_share: float | None,
    threshold: float,
    since: str | None = None,
) -> list[str]:
    """One line per reason a human is needed: items not in the previous run's record
    (all of them on a first run), and AR over 90 days above its threshold. `since` is
    the previous successful run's as-of date, named with what passed since it."""
    before = before or {}
    lines = []
    for key, (one, many) in WATCHED.items():
        told = set(before.get(key, []))
        for other in ALREADY_TOLD.get(key, ()):
            told |= set(before.get(other, []))
        fresh = sorted(set(seen.get(key, [])) - told)
        if fresh:
            word = (one if len(fresh) == 1 else many).format(since=f" ({since})" if since else "")
            shown = ", ".join(f"#{item}" if key == "exceptions" else item for item in fresh[:5])
            lines.append(f"{len(fresh)} {word}: {shown}" + (" …" if len(fresh) > 5 else ""))
    # A threshold asks once, the night it is crossed, not every night it stays crossed.
    if OVER_90 in seen.get("thresholds", []) and OVER_90 not in before.get("thresholds", []):
        lines.append(
            f"AR over 90 days is {over_90_share:.1%} of AR, above the {threshold:.0%} threshold "
            "(config report.ar_over_90_threshold)"
        )
    return lines


def thresholds_crossed(*, over_90_share: float | None, threshold: float) -> list[str]:
    """What a run records as crossed, so the next one knows whether it is new."""
    return [OVER_90] if over_90_share is not None and over_90_share > threshold else []
