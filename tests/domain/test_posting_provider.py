"""Provider-level adjustments as unapplied money, and the remittance's balance:
BPR02 = Σ CLP04 − Σ PLB, and claim payments + unapplied = BPR02."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.posting.era import (
    ProviderAdjustmentKind,
    check_remittance_balance,
    plan_provider_adjustments,
    provider_adjustment_total,
)
from ar_cli.domain.remittance.advice import ProviderAdjustment


def plb(reason: str, amount: int, reference: str = "") -> ProviderAdjustment:
    return ProviderAdjustment(
        provider_id="1234567890",
        fiscal_period_date=date(2026, 12, 31),
        reason_code=reason,
        reference=reference,
        amount=amount,
        segment=40,
    )


@pytest.mark.parametrize(
    "reason, kind, names_claim",
    [
        ("L6", ProviderAdjustmentKind.INTEREST, False),
        ("WO", ProviderAdjustmentKind.RECOUPMENT, True),
        ("FB", ProviderAdjustmentKind.FORWARD_BALANCE, True),
        ("72", ProviderAdjustmentKind.AUTHORIZED_RETURN, True),
        ("CS", ProviderAdjustmentKind.ADJUSTMENT, False),
        ("IR", ProviderAdjustmentKind.WITHHOLDING, False),
        ("CV", ProviderAdjustmentKind.OTHER, False),
        (" wo ", ProviderAdjustmentKind.RECOUPMENT, True),
    ],
)
def test_reason_codes_are_classified(reason, kind, names_claim):
    (planned,) = plan_provider_adjustments([plb(reason, 1000, " ICN123 ")])
    assert planned.kind is kind and planned.reference == "ICN123"
    assert planned.claim_reference == ("ICN123" if names_claim else "")
    assert planned.reason_code == reason.strip().upper()


def test_interest_is_income_that_raises_unapplied():
    (interest,) = plan_provider_adjustments([plb("L6", -1200)])
    assert (interest.amount, interest.income) == (1200, True)


def test_a_recoupment_lowers_unapplied_and_names_its_claim():
    (recoupment,) = plan_provider_adjustments([plb("WO", 36119, "C1")])
    assert (recoupment.amount, recoupment.income, recoupment.claim_reference) == (-36119, False, "C1")


def test_remittance_balance_is_zero_when_bpr02_is_the_claims_minus_plb():
    # Medicare part A sample (#5): Σ CLP04 149 998.73, PLB CV −1.27, BPR02 150 000.00.
    assert check_remittance_balance(15000000, 14999873, -127) == 0
    # PLB-only transaction: 0 − (−1 812.27) = 1 812.27.
    assert check_remittance_balance(181227, 0, -181227) == 0
    assert check_remittance_balance(10000, 10000, 500) == 500


@given(
    claim_paid=st.lists(st.integers(-(10**7), 10**7), max_size=5),
    plbs=st.lists(
        st.tuples(st.sampled_from(["L6", "WO", "FB", "72", "CS", "CV", "J1"]), st.integers(-(10**6), 10**6)), max_size=6
    ),
)
def test_claim_payments_plus_unapplied_equal_the_bank_deposit(claim_paid, plbs):
    adjustments = [plb(reason, amount) for reason, amount in plbs]
    bpr = sum(claim_paid) - provider_adjustment_total(adjustments)
    assert check_remittance_balance(bpr, sum(claim_paid), provider_adjustment_total(adjustments)) == 0
    unapplied = sum(p.amount for p in plan_provider_adjustments(adjustments))
    assert sum(claim_paid) + unapplied == bpr
