"""Accounting periods: a calendar month, 'YYYY-MM', with its first and last days."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from ar_cli.domain.errors import InputError

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, kw_only=True)
class Period:
    """A month's text and its first and last days."""

    text: str
    first: date
    last: date


def parse_period(text: str) -> Period:
    match = _PERIOD.match(text.strip())
    month = int(match.group(2)) if match else 0
    if not match or not 1 <= month <= 12:
        raise InputError(f"period {text.strip()!r} is not a month (YYYY-MM, e.g. 2026-06)")
    year = int(match.group(1))
    return Period(
        text=f"{year:04d}-{month:02d}", first=date(year, month, 1), last=date(year, month, monthrange(year, month)[1])
    )
