"""Element text to values for the X12 readers: amounts in cents, CCYYMMDD dates.

Amounts go through ar_cli.domain.money.cents_from_plain: the one amount parser's core
and ceiling, with X12's stricter surface (an optional minus, digits, an optional point
and at most two decimals; no '+', '$', thousands separators or exponent). The result is
memoised per distinct text, because a large remittance repeats the same few thousand
amounts a million times: the readers look the cache up inline and call parse_cents
only on a miss.
"""

from __future__ import annotations

import re
from datetime import date

from ar_cli.domain.errors import MoneyError
from ar_cli.domain.money import cents_from_plain
from ar_cli.x12.errors import X12Error

# Bounded so that a file of ever-new amounts cannot grow memory without limit.
_CACHE_LIMIT = 100_000
CENTS: dict[str, int] = {}
DATES: dict[str, date | None] = {}
# Only text made of these is quoted back in a message: it cannot be a name or an id.
_QUOTABLE = re.compile(r"[-+0-9.,$ ]{1,20}")


def cents(text: str, source: str, segment: int, element: str, *, empty_is_zero: bool = False) -> int:
    """Cents for an amount element; X12Error naming the element when it is not one."""
    value = CENTS.get(text)
    if value is not None:
        return value
    return parse_cents(text, source, segment, element, empty_is_zero=empty_is_zero)


def parse_cents(text: str, source: str, segment: int, element: str, *, empty_is_zero: bool = False) -> int:
    """The uncached path of cents(): validate, convert, remember."""
    if not text:
        if empty_is_zero:
            return 0
        raise X12Error(source, segment, element, "missing; expected an amount")
    try:
        value = cents_from_plain(text, shown=quote(text))
    except MoneyError as exc:
        raise X12Error(source, segment, element, str(exc)) from None
    if len(CENTS) >= _CACHE_LIMIT:
        CENTS.clear()
    CENTS[text] = value
    return value


def to_date(text: str) -> date | None:
    """A CCYYMMDD date, or None when the text is empty or not a real date."""
    try:
        return DATES[text]
    except KeyError:
        pass
    value: date | None = None
    if len(text) == 8 and text.isdigit() and text.isascii():
        try:
            value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            value = None
    if len(DATES) >= _CACHE_LIMIT:
        DATES.clear()
    DATES[text] = value
    return value


def quote(text: str) -> str:
    """The text in quotes if it is safe to show (digits and signs), else 'the value'."""
    return repr(text) if _QUOTABLE.fullmatch(text) else "the value"
