from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from ar_cli.domain.errors import MoneyError
from ar_cli.domain.money import cents_from_text, cents_to_text, format_money


@pytest.mark.parametrize("text,cents", [
    ("123.4", 12340), ("-0.5", -50), ("100", 10000), ("1,234.56", 123456), ("$12.00", 1200),
    ("0", 0), (" 7.05 ", 705), (".99", 99),
])
def test_text_becomes_exact_cents(text, cents):
    assert cents_from_text(text) == cents


@pytest.mark.parametrize("text,message", [
    ("", "is empty"), ("abc", "is not an amount"), ("1.005", "fraction of a cent"),
    ("NaN", "is not an amount"), ("Infinity", "is not an amount"),
])
def test_bad_amounts_are_refused(text, message):
    with pytest.raises(MoneyError, match=message):
        cents_from_text(text)


def test_negative_refused_when_not_allowed():
    with pytest.raises(MoneyError, match="is negative"):
        cents_from_text("-1.00", allow_negative=False)


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_round_trip_through_text(cents):
    assert cents_from_text(cents_to_text(cents)) == cents
    assert Decimal(cents_to_text(cents)) * 100 == cents


def test_display_format():
    assert format_money(123450) == "$1,234.50"
    assert format_money(-1200) == "-$12.00"
