"""Money is integer cents. This module is the one way text becomes cents, and cents text.

Amounts are parsed with Decimal exactly (never float), so "123.4", "-0.5", "100" and
"1,234.56" are all exact; anything with a fraction of a cent is refused rather than
rounded, because a remittance that carries sub-cent amounts is a file to look at.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ar_cli.domain.errors import MoneyError

_HUNDRED = Decimal(100)


def cents_from_text(text: str, *, allow_negative: bool = True) -> int:
    """Parse a dollar amount written as text into integer cents.

    Accepts an optional sign, digits, an optional decimal point with up to two digits,
    and thousands separators. Raises MoneyError with a message fit for one error line.
    """
    raw = text.strip().replace(",", "")
    if raw.startswith("$"):
        raw = raw[1:]
    elif raw.startswith("-$"):
        raw = "-" + raw[2:]
    if not raw:
        raise MoneyError("is empty; expected an amount like 125.00")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(f"{text.strip()!r} is not an amount") from None
    if not value.is_finite():
        raise MoneyError(f"{text.strip()!r} is not an amount")
    scaled = value * _HUNDRED
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{text.strip()!r} has a fraction of a cent")
    cents = int(scaled)
    if cents < 0 and not allow_negative:
        raise MoneyError(f"{text.strip()!r} is negative")
    return cents


def cents_to_text(cents: int) -> str:
    """Plain dollars with two decimals and no separators ('-1234.50'): CSV, JSON, X12."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


def format_money(cents: int) -> str:
    """Dollars for people: '$1,234.50', '-$12.00'."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}${whole:,}.{part:02d}"


def cents_to_number(cents: int) -> float:
    """Dollars as a JSON number with two decimals. Only for rendering: never compute with it."""
    return round(int(cents) / 100, 2)
