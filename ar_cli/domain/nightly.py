"""What makes a nightly run ask for a human: items not seen by the previous run, and
thresholds crossed. Pure: the runs' records come in as plain dicts."""

from __future__ import annotations

# What a run records as seen, and how a new one is named in the log line.
WATCHED = {"exceptions": "new remittance exception", "appeals_due": "appeal newly coming due",
           "filing_at_risk": "claim line newly at timely-filing risk"}
OVER_90 = "ar_over_90"


def what_is_new(seen: dict[str, list[str]], before: dict[str, list[str]] | None, *,
                over_90_share: float | None, threshold: float) -> list[str]:
    """One line per reason a human is needed: items not in the previous run's record
    (all of them on a first run), and AR over 90 days above its threshold."""
    before = before or {}
    lines = []
    for key, word in WATCHED.items():
        fresh = sorted(set(seen.get(key, [])) - set(before.get(key, [])))
        if fresh:
            shown = ", ".join(f"#{item}" if key == "exceptions" else item for item in fresh[:5])
            lines.append(f"{len(fresh)} {word}{'s' if len(fresh) != 1 else ''}: {shown}"
                         + (" …" if len(fresh) > 5 else ""))
    # A threshold asks once, the night it is crossed, not every night it stays crossed.
    if OVER_90 in seen.get("thresholds", []) and OVER_90 not in before.get("thresholds", []):
        lines.append(f"AR over 90 days is {over_90_share:.1%} of AR, above the {threshold:.0%} threshold "
                     "(config report.ar_over_90_threshold)")
    return lines


def thresholds_crossed(*, over_90_share: float | None, threshold: float) -> list[str]:
    """What a run records as crossed, so the next one knows whether it is new."""
    return [OVER_90] if over_90_share is not None and over_90_share > threshold else []
