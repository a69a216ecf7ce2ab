"""Money is integer cents. This module is the one way text becomes cents, and cents text.

Every amount read from outside — an option such as `--amount` or `--adjust`, a batch or
charge-file cell, an X12 element — goes through one grammar here:

    [sign] [$] digits [. up to two digits]

- digits are ASCII 0-9 only: Arabic-Indic, full-width and other Unicode digits, which
  Python's int() and Decimal() would read, are refused;
- a comma is allowed only as an exact thousands separator ('1,250.00', '12,345,678');
  '12,5' or '1,00' is a typo (or a decimal comma) and is refused, never read as 125 or
  100;
- no exponent ('1e2'), no underscore ('1_00'), no NaN or Infinity: all refused;
- at most two decimals: a fraction of a cent is a file to look at, not a value to round;
- at most MAX_CENTS ($10,000,000,000.00) either way, so an amount always fits the ledger's
  64-bit columns with room to add up millions of them (9.2 × 10^18 cents is the limit).

X12 elements use `cents_from_plain`, the same core with a stricter surface: an optional
minus, digits and an optional point (no '+', '$' or commas), the same ceiling.

Conversion is integer arithmetic on the validated digits (exact, never float, and
cheaper than Decimal on the X12 reader's cache misses).
"""

from __future__ import annotations

import re

from ar_cli.domain.errors import MoneyError

#: The largest amount any input may carry, in cents: ten billion dollars. Far above any
#: claim, remittance or deposit, and 9.2 million times below 64-bit overflow, so sums of
#: whole files of such amounts still fit a BIGINT.
MAX_CENTS = 1_000_000_000_000
_MAX_WHOLE_DIGITS = len(str(MAX_CENTS // 100))

# sign, '$', whole dollars (plain digits, or 1-3 digits then exact groups of ',ddd'),
# '.' and its digits. [0-9], not \d: only ASCII digits are digits here.
_AMOUNT = re.compile(r"([-+]?)(\$?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:(\.)([0-9]*))?")
_PLAIN = re.compile(r"(-?)([0-9]*)(?:(\.)([0-9]*))?")
_SPACE = " \t\r\n"


def cents_from_text(text: str, *, allow_negative: bool = True) -> int:
    """Parse a dollar amount typed by a person or read from a CSV cell into cents.

    Accepts an optional sign, an optional '$' (after the sign: '-$12.00'), digits with
    optional exact thousands separators, and up to two decimals. Raises MoneyError with
    a message fit for one error line.
    """
    raw = text.strip(_SPACE)
    if not raw:
        raise MoneyError("is empty; expected an amount like 125.00")
    found = _AMOUNT.fullmatch(raw)
    if found is None or not (found.group(3) or found.group(5)):
        raise MoneyError(_not_an_amount(raw))
    sign, _, whole, _, decimals = found.groups()
    cents = _to_cents(repr(raw), sign == "-", whole.replace(",", ""), decimals)
    if cents < 0 and not allow_negative:
        raise MoneyError(f"{raw!r} is negative")
    return cents


def cents_from_plain(text: str, *, shown: str | None = None) -> int:
    """An X12 amount (element type R): optional minus, digits, optional point and up to
    two decimals; nothing else. The same core and ceiling as `cents_from_text`.
    `shown` is how a message names the text (default: quoted), for callers that must
    not echo what may be a misplaced name or id."""
    shown = repr(text) if shown is None else shown
    found = _PLAIN.fullmatch(text)
    if found is None or not (found.group(2) or found.group(4)):
        raise MoneyError(f"{shown} is not an amount")
    sign, whole, _, decimals = found.groups()
    return _to_cents(shown, sign == "-", whole, decimals)


def _not_an_amount(raw: str) -> str:
    """Why `raw` does not read as an amount, as precisely as cheaply said."""
    if "," in raw and _AMOUNT.fullmatch(raw.replace(",", "")) is not None:
        return f"{raw!r} has a comma that is not a thousands separator (write 1,250.00 or 1250.00)"
    if any(ch.isdigit() and not ch.isascii() for ch in raw):
        return f"{raw!r} is not an amount (digits 0-9 only)"
    return f"{raw!r} is not an amount"


def _to_cents(shown: str, negative: bool, whole: str, decimals: str | None) -> int:
    """Cents from validated ASCII digits: `whole` dollars and the `decimals` after the
    point; `shown` names the text in a message."""
    decimals = decimals or ""
    if len(decimals) > 2:
        if decimals[2:].strip("0"):
            raise MoneyError(f"{shown} has a fraction of a cent")
        raise MoneyError(f"{shown} has more than two decimals")
    whole = whole.lstrip("0")
    # Checked on the digits before int(): a thousand-digit amount costs nothing to refuse.
    cents = 0 if len(whole) > _MAX_WHOLE_DIGITS else int(whole or "0") * 100 + int(decimals.ljust(2, "0"))
    if len(whole) > _MAX_WHOLE_DIGITS or cents > MAX_CENTS:
        raise MoneyError(f"{shown} is more than the largest amount accepted ({format_money(MAX_CENTS)})")
    return -cents if negative else cents


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
