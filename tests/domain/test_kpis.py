"""KPI formulas: each carries its parts; a zero denominator has no value."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain import kpis


def test_net_collection_rate_leaves_denial_write_offs_in_the_denominator():
    kpi = kpis.net_collection_rate(payments=60_00, refunds=10_00, charges=200_00, contractual=100_00)
    assert (kpi.numerator, kpi.denominator, kpi.value) == (50_00, 100_00, Decimal("0.5000"))
    assert "not contractual" in kpi.formula


def test_days_in_ar_is_ar_over_average_daily_charges():
    kpi = kpis.days_in_ar(ar=45_000_00, charges_window=90_000_00)
    assert kpi.value == Decimal("45.0")  # 45,000 ÷ (90,000 ÷ 90 = 1,000 a day)
    assert kpis.days_in_ar(ar=100, charges_window=0).value is None


def test_zero_denominators_have_no_value():
    assert kpis.denial_rate(denied_claims=0, adjudicated=0).value is None
    assert kpis.days_to_payment(payer="X", days=0, claims=0).value is None
    assert kpis.ar_over_days(over=0, total=0).value is None


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=10**12))
def test_a_ratio_is_its_parts_to_four_places(numerator, denominator):
    kpi = kpis.gross_collection_rate(payments=numerator, charges=denominator)
    assert abs(kpi.value - Decimal(numerator) / Decimal(denominator)) <= Decimal("0.00005")
    assert (kpi.numerator, kpi.denominator) == (numerator, denominator)
