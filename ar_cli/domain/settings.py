"""Settings a team shares, kept in the ledger: each known key, its default and its check.

Unknown keys are refused so a typo never silently does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from ar_cli.domain.errors import InputError
from ar_cli.domain.queue.weights import check_category_points, check_full_at, check_payer_points, check_points


def _positive_int(value: str) -> str:
    if not value.strip().isdigit() or int(value) <= 0:
        raise ValueError("a whole number above 0")
    return str(int(value))


def _edges(value: str) -> str:
    parts = [p.strip() for p in value.split(",")]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError("comma-separated whole numbers of days, e.g. 30,60,90,120")
    numbers = [int(p) for p in parts]
    if numbers[0] <= 0 or any(b <= a for a, b in pairwise(numbers)):
        raise ValueError("strictly increasing whole numbers above 0")
    return ",".join(str(n) for n in numbers)


def _ratio(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("a number between 0 and 1") from None
    if not 0 <= number <= 1:
        raise ValueError("a number between 0 and 1")
    return str(number)


def _text(value: str) -> str:
    return value


@dataclass(frozen=True, kw_only=True)
class SettingSpec:
    key: str
    default: str
    help: str
    check: Callable[[str], str]


SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec(
            key="aging.buckets",
            default="30,60,90,120",
            check=_edges,
            help="Upper edges in days of the aging buckets (the last bucket is open-ended).",
        ),
        SettingSpec(
            key="denials.appeal_due_days",
            default="14",
            check=_positive_int,
            help="Flag appeals whose deadline is within this many days.",
        ),
        SettingSpec(
            key="denials.stale_days",
            default="30",
            check=_positive_int,
            help="Flag open denials with no action for this many days.",
        ),
        SettingSpec(
            key="queue.no_response_days",
            default="30",
            check=_positive_int,
            help="A billed claim with no payer response after this many days is work.",
        ),
        SettingSpec(
            key="queue.weights",
            default="",
            check=check_points,
            help="Queue points per factor, e.g. money=40,age=30,deadline=60 (see `ar-cli queue --help`).",
        ),
        SettingSpec(
            key="queue.full_at",
            default="",
            check=check_full_at,
            help="Where each queue ramp is full: money in dollars, age/untouched/deadline in days.",
        ),
        SettingSpec(
            key="queue.category_points",
            default="",
            check=check_category_points,
            help="Extra queue points per denial category, e.g. missing_info=15,coding=12.",
        ),
        SettingSpec(
            key="queue.payer_points",
            default="",
            check=check_payer_points,
            help="Queue points per payer code or financial class, e.g. ACM01=10,medicaid=5.",
        ),
        SettingSpec(
            key="report.ar_over_90_threshold",
            default="0.25",
            check=_ratio,
            help="The nightly report asks for a human when AR over 90 days exceeds this share.",
        ),
        SettingSpec(
            key="treatments.override",
            default="",
            check=_text,
            help="CSV text overriding the adjustment treatment table (set by `codes treatments`).",
        ),
    )
}


def check_setting(key: str, value: str) -> str:
    spec = SETTINGS.get(key)
    if spec is None:
        raise InputError(f"config: unknown key {key!r}; known keys: {', '.join(sorted(SETTINGS))}")
    try:
        return spec.check(value)
    except ValueError as exc:
        raise InputError(f"config {key}: {value!r} is not {exc}") from None
