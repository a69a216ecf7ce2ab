"""The supervisor's KPIs as formulas over counts and sums: each result carries its
formula in words, its numerator and its denominator, so a number can be checked by hand.

Pure: reports/kpis.py gathers the sums from the ledger and calls these.
Money is integer cents; a ratio with a zero denominator has no value (None), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

AR_WINDOW_DAYS = 90
OVER_DAYS = 90


class Unit(StrEnum):
    DAYS = "days"  # numerator in cents (or days), value in days
    RATIO = "ratio"  # 0..1 (shown as a percentage)


class Measure(StrEnum):
    """What the numerator and denominator count."""

    MONEY = "money"
    CLAIMS = "claims"
    DAYS = "days"


@dataclass(frozen=True, kw_only=True)
class Kpi:
    key: str  # stable id: 'net_collection_rate', 'days_to_payment:MCR01'
    name: str
    formula: str
    numerator: int  # cents, claims or days (see the measures)
    denominator: int
    numerator_measure: Measure
    denominator_measure: Measure
    unit: Unit
    value: Decimal | None  # None when the denominator is 0


def _ratio(numerator: int, denominator: int, places: str = "0.0001") -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


def days_in_ar(*, ar: int, charges_window: int, window_days: int = AR_WINDOW_DAYS) -> Kpi:
    """AR ÷ average daily charges over the window: AR × days ÷ charges (no rounding of the average)."""
    value = None if charges_window <= 0 else _ratio(ar * window_days, charges_window, "0.1")
    return Kpi(
        key="days_in_ar",
        name="Days in AR",
        formula=f"open AR at the end ÷ (charges with a date of service in the last {window_days} days ÷ {window_days})",
        numerator=ar,
        denominator=charges_window,
        numerator_measure=Measure.MONEY,
        denominator_measure=Measure.MONEY,
        unit=Unit.DAYS,
        value=value,
    )


def gross_collection_rate(*, payments: int, charges: int) -> Kpi:
    return Kpi(
        key="gross_collection_rate",
        name="Gross collection rate",
        formula="payments ÷ charges, claims with a date of service in the range",
        numerator=payments,
        denominator=charges,
        numerator_measure=Measure.MONEY,
        denominator_measure=Measure.MONEY,
        unit=Unit.RATIO,
        value=_ratio(payments, charges),
    )


def net_collection_rate(*, payments: int, refunds: int, charges: int, contractual: int) -> Kpi:
    """(payments − refunds) ÷ (charges − contractual adjustments). Denial and bad-debt
    write-offs are not contractual: they are money the practice failed to collect."""
    numerator, denominator = payments - refunds, charges - contractual
    return Kpi(
        key="net_collection_rate",
        name="Net collection rate",
        formula="(payments − refunds) ÷ (charges − contractual adjustments), claims with a date of "
        "service in the range; denial and bad-debt write-offs are not contractual",
        numerator=numerator,
        denominator=denominator,
        numerator_measure=Measure.MONEY,
        denominator_measure=Measure.MONEY,
        unit=Unit.RATIO,
        value=_ratio(numerator, denominator),
    )


def denial_rate(*, denied_claims: int, adjudicated: int) -> Kpi:
    return Kpi(
        key="denial_rate",
        name="Denial rate (claims)",
        formula="claims with a denial at first adjudication ÷ claims adjudicated for the first time in "
        "the range (reversals and patient-responsibility-only zero pays left out)",
        numerator=denied_claims,
        denominator=adjudicated,
        numerator_measure=Measure.CLAIMS,
        denominator_measure=Measure.CLAIMS,
        unit=Unit.RATIO,
        value=_ratio(denied_claims, adjudicated),
    )


def denial_rate_money(*, denied: int, charged: int) -> Kpi:
    return Kpi(
        key="denial_rate_money",
        name="Denial rate (money)",
        formula="amount denied at first adjudication ÷ charges of those adjudicated claims",
        numerator=denied,
        denominator=charged,
        numerator_measure=Measure.MONEY,
        denominator_measure=Measure.MONEY,
        unit=Unit.RATIO,
        value=_ratio(denied, charged),
    )


def first_pass_resolution_rate(*, resolved: int, adjudicated: int) -> Kpi:
    return Kpi(
        key="first_pass_resolution_rate",
        name="First-pass resolution rate",
        formula="claims paid with no denial at first adjudication ÷ claims adjudicated for the first "
        "time in the range (a true clean-claim rate needs clearinghouse data)",
        numerator=resolved,
        denominator=adjudicated,
        numerator_measure=Measure.CLAIMS,
        denominator_measure=Measure.CLAIMS,
        unit=Unit.RATIO,
        value=_ratio(resolved, adjudicated),
    )


def ar_over_days(*, over: int, total: int, days: int = OVER_DAYS) -> Kpi:
    return Kpi(
        key=f"ar_over_{days}",
        name=f"AR over {days} days",
        formula=f"open balances older than {days} days (from the date of service) ÷ all open balances, "
        "at the end of the range; credits left out",
        numerator=over,
        denominator=total,
        numerator_measure=Measure.MONEY,
        denominator_measure=Measure.MONEY,
        unit=Unit.RATIO,
        value=_ratio(over, total),
    )


def days_to_payment(*, payer: str, days: int, claims: int) -> Kpi:
    return Kpi(
        key=f"days_to_payment:{payer}",
        name=f"Days to payment, {payer}",
        formula="average of (first payment's check/EFT date − billed date) over claims first paid by "
        "this payer in the range",
        numerator=days,
        denominator=claims,
        numerator_measure=Measure.DAYS,
        denominator_measure=Measure.CLAIMS,
        unit=Unit.DAYS,
        value=_ratio(days, claims, "0.1"),
    )
