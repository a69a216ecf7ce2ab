import re
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ar_cli.domain.errors import MoneyError
from ar_cli.domain.money import MAX_CENTS, cents_from_plain, cents_from_text, cents_to_text, format_money


@pytest.mark.parametrize(
    "text,cents",
    [
        ("123.4", 12340),
        ("-0.5", -50),
        ("100", 10000),
        ("1,234.56", 123456),
        ("$12.00", 1200),
        ("0", 0),
        (" 7.05 ", 705),
        (".99", 99),
        ("1,250.00", 125000),
        ("12,345,678", 1234567800),
        ("-$12.00", -1200),
        ("+5", 500),
        ("5.", 500),
        ("0012.30", 1230),
        ("10000000000.00", MAX_CENTS),
        ("-10,000,000,000", -MAX_CENTS),
    ],
)
def test_text_becomes_exact_cents(text, cents):
    assert cents_from_text(text) == cents


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "is empty"),
        ("abc", "'abc' is not an amount"),
        ("1.005", "'1.005' has a fraction of a cent"),
        ("1.000", "'1.000' has more than two decimals"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
        ("-inf", "is not an amount"),
        # Issue #13 item 1: each of these was read as a number.
        ("12,5", "'12,5' has a comma that is not a thousands separator"),
        ("1,00", "'1,00' has a comma that is not a thousands separator"),
        ("2,5", "has a comma that is not a thousands separator"),
        ("1,0000", "has a comma"),
        (",100", "has a comma"),
        ("1,000,00", "has a comma"),
        ("1e2", "'1e2' is not an amount"),
        ("1E2", "is not an amount"),
        ("1e3", "is not an amount"),
        ("1_00", "'1_00' is not an amount"),
        ("1_000", "is not an amount"),
        ("\u0661\u0662\u0663", "is not an amount (digits 0-9 only)"),  # Arabic-Indic 123
        ("\uff11\uff12", "is not an amount (digits 0-9 only)"),  # full-width 12
        ("1\u06f0", "digits 0-9 only"),  # Extended Arabic-Indic zero after an ASCII 1
        (
            "99999999999999999999",
            "'99999999999999999999' is more than the largest amount accepted ($10,000,000,000.00)",
        ),
        ("10000000000.01", "is more than the largest amount"),
        ("-10000000000.01", "is more than the largest"),
        ("9" * 5000, "is more than the largest amount"),  # refused before int() could choke on it
        (".", "is not an amount"),
        ("$", "is not an amount"),
        ("-", "is not an amount"),
        ("$-12", "is not an amount"),
        ("--1", "is not an amount"),
        ("1.2.3", "is not an amount"),
        ("1 000", "is not an amount"),
        ("0x10", "is not an amount"),
        ("\u00a012", "is not an amount"),
    ],
)
def test_bad_amounts_are_refused(text, message):
    with pytest.raises(MoneyError, match=re.escape(message)):
        cents_from_text(text)


def test_negative_refused_when_not_allowed():
    with pytest.raises(MoneyError, match="is negative"):
        cents_from_text("-1.00", allow_negative=False)


@pytest.mark.parametrize("text,cents", [("100.00", 10000), ("-5", -500), (".5", 50), ("0", 0), ("7.", 700)])
def test_x12_amounts(text, cents):
    assert cents_from_plain(text) == cents


@pytest.mark.parametrize(
    "text", ["1,000.00", "$5", "+5", "1e3", "12.345", "99999999999999999999", "", ".", "\u0661", " 5"]
)
def test_x12_amounts_are_stricter_with_the_same_ceiling(text):
    with pytest.raises(MoneyError):
        cents_from_plain(text)


def test_x12_message_names_the_value_as_told():
    with pytest.raises(MoneyError, match=r"^the value is not an amount$"):
        cents_from_plain("SMITH", shown="the value")


AMOUNTS = st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS)


@given(AMOUNTS)
def test_round_trip_through_text(cents):
    assert cents_from_text(cents_to_text(cents)) == cents
    assert cents_from_plain(cents_to_text(cents)) == cents
    assert cents_from_text(format_money(cents)) == cents
    assert Decimal(cents_to_text(cents)) * 100 == cents


@given(st.integers(min_value=MAX_CENTS + 1, max_value=10**30), st.booleans())
def test_above_the_ceiling_is_refused_everywhere(cents, negative):
    cents = -cents if negative else cents
    for text in (cents_to_text(cents), format_money(cents)):
        with pytest.raises(MoneyError, match="is more than the largest amount"):
            cents_from_text(text)
    with pytest.raises(MoneyError, match="is more than the largest amount"):
        cents_from_plain(cents_to_text(cents))


# An independent statement of the grammar (issue #13 item 1), as the oracle for any text.
_REFERENCE = re.compile(r"[-+]?\$?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)?(\.[0-9]{0,2})?", re.ASCII)


def _reference_cents(text: str) -> int | None:
    raw = text.strip(" \t\r\n")
    if not _REFERENCE.fullmatch(raw) or not any(c in "0123456789" for c in raw):
        return None
    value = Decimal(raw.replace(",", "").replace("$", "").rstrip(".") or "0") * 100
    return int(value) if abs(value) <= MAX_CENTS else None


AMOUNT_LIKE = st.text(alphabet=st.sampled_from(list("0123456789,.$-+ e_E\u0661\uff11\u00a0")), max_size=18)


@given(st.one_of(AMOUNT_LIKE, st.text(max_size=12)))
def test_any_text_is_read_exactly_as_the_grammar_says_or_refused(text):
    expected = _reference_cents(text)
    if expected is None:
        with pytest.raises(MoneyError):
            cents_from_text(text)
    else:
        assert cents_from_text(text) == expected


def _digits(min_size=1, max_size=9):
    return st.text(alphabet="0123456789", min_size=min_size, max_size=max_size)


@given(_digits(), _digits())
def test_an_exponent_is_refused(mantissa, exponent):
    for text in (f"{mantissa}e{exponent}", f"{mantissa}E{exponent}", f"{mantissa}.5e-{exponent}"):
        with pytest.raises(MoneyError):
            cents_from_text(text)


@given(_digits(2, 9), st.data())
def test_an_underscore_is_refused(digits, data):
    at = data.draw(st.integers(min_value=1, max_value=len(digits) - 1))
    with pytest.raises(MoneyError):
        cents_from_text(digits[:at] + "_" + digits[at:])


@given(_digits(2, 10), st.data())
def test_a_comma_not_between_thousands_is_refused(digits, data):
    at = data.draw(st.integers(min_value=0, max_value=len(digits)))
    assume((len(digits) - at) % 3 != 0 or at == 0 or at > 3 or at == len(digits))
    text = digits[:at] + "," + digits[at:]
    decimals = data.draw(st.sampled_from(["", ".00", ".5"]))
    with pytest.raises(MoneyError):
        cents_from_text(text + decimals)


@given(_digits(1, 8), _digits(3, 6))
def test_more_than_two_decimals_is_refused(whole, decimals):
    with pytest.raises(MoneyError):
        cents_from_text(f"{whole}.{decimals}")
    with pytest.raises(MoneyError):
        cents_from_plain(f"{whole}.{decimals}")


_FOREIGN_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


@given(_digits(0, 6), _FOREIGN_DIGITS, _digits(0, 6))
def test_digits_other_than_ascii_are_refused(before, digit, after):
    with pytest.raises(MoneyError, match="digits 0-9 only"):
        cents_from_text(before + digit + after)
    with pytest.raises(MoneyError):
        cents_from_plain(before + digit + after)


def test_display_format():
    assert format_money(123450) == "$1,234.50"
    assert format_money(-1200) == "-$12.00"
