"""Payments by hand, planned through the treatment table (no database)."""

from datetime import date

import pytest

from ar_cli.domain.claims.records import PATIENT, Claim, Coverage
from ar_cli.domain.errors import InputError
from ar_cli.domain.posting.manual_payment import (
    Adjustment,
    LineHolding,
    parse_adjustment,
    parse_adjustments,
    parse_method,
    plan_manual_payment,
)
from ar_cli.services.codes import builtin_knowledge

TABLE = builtin_knowledge()


def _claim(*payers: str) -> Claim:
    return Claim(
        id=1,
        claim_number="C1",
        patient_id=1,
        patient_account="A",
        patient_last="X",
        patient_first="Y",
        billed_date=date(2026, 1, 5),
        first_service_date=date(2026, 1, 2),
        billing_npi="",
        rendering_npi="",
        place_of_service="11",
        frequency_code="1",
        original_claim_ref="",
        status="billed",
        lines=(),
        coverages=tuple(
            Coverage(rank=i, payer_id=i, payer_code=p, payer_name=p, member_id="M") for i, p in enumerate(payers, 1)
        ),
    )


def test_parse_adjustment():
    assert parse_adjustment("co-45=12.50") == Adjustment(group="CO", carc="45", amount=1250)
    assert parse_adjustment("PR2=5") == Adjustment(group="PR", carc="2", amount=500)
    assert parse_adjustment("CR-045=1.00") == Adjustment(group="CO", carc="45", amount=100)
    assert parse_adjustments("CO-45=12.50;PR-2=5.00; ") == (
        Adjustment(group="CO", carc="45", amount=1250),
        Adjustment(group="PR", carc="2", amount=500),
    )
    assert parse_adjustments("") == ()


@pytest.mark.parametrize(
    "text,message",
    [
        ("XX-45=1.00", "'XX-45=1.00' is not an adjustment like CO-45=12.50 (group CO, OA, PI or PR)"),
        ("CO-45", "'CO-45' is not an adjustment like CO-45=12.50 (group CO, OA, PI or PR)"),
        ("CO-45=abc", "'CO-45=abc': the amount 'abc' is not an amount"),
        ("CO-45=-1.00", "'CO-45=-1.00': the amount '-1.00' is negative"),
        ("CO-45=0", "'CO-45=0': the amount is zero"),
        ("CO-45=1.005", "'CO-45=1.005': the amount '1.005' has a fraction of a cent"),
    ],
)
def test_bad_adjustments(text, message):
    with pytest.raises(InputError) as err:
        parse_adjustment(text)
    assert str(err.value) == message


def test_method():
    assert parse_method(" EFT ") == "eft"
    with pytest.raises(InputError, match="'wire' is not one of check, eft, card, cash"):
        parse_method("wire")


def test_payment_contractual_and_patient_to_secondary():
    plan = plan_manual_payment(
        _claim("MCR", "GAP"),
        rank=1,
        amount=9000,
        table=TABLE,
        balances={1: 14500},
        adjustments=[Adjustment(group="CO", carc="45", amount=3000), Adjustment(group="PR", carc="2", amount=2500)],
    )
    assert [(e.responsibility, e.kind, e.amount, e.transfer) for e in plan.entries] == [
        (1, "payment", -9000, None),
        (1, "contractual", -3000, None),
        (1, "transfer", -2500, 0),
        (2, "transfer", 2500, 0),
    ]
    assert plan.deltas() == {1: -14500, 2: 2500}
    assert (plan.paid, plan.written_down, plan.transferred, plan.transferred_to) == (9000, 3000, 2500, 2)


def test_patient_share_goes_to_the_patient_without_a_secondary():
    plan = plan_manual_payment(
        _claim("MCR"),
        rank=1,
        amount=0,
        table=TABLE,
        balances={1: 1000},
        adjustments=[Adjustment(group="PR", carc="1", amount=1000)],
    )
    assert plan.deltas() == {1: -1000, PATIENT: 1000}


def test_denial_and_informational_write_nothing():
    plan = plan_manual_payment(
        _claim("MCR"),
        rank=1,
        amount=0,
        table=TABLE,
        balances={1: 1000},
        adjustments=[Adjustment(group="CO", carc="50", amount=1000), Adjustment(group="OA", carc="23", amount=500)],
    )
    assert plan.entries == ()
    assert [str(a) for a in plan.denied] == ["CO-50=10.00"]
    assert [str(a) for a in plan.not_posted] == ["OA-23=5.00"]


def test_patient_payment():
    plan = plan_manual_payment(
        _claim("MCR"), rank=PATIENT, amount=2000, adjustments=(), table=TABLE, balances={PATIENT: 2500}
    )
    assert plan.deltas() == {PATIENT: -2000}


@pytest.mark.parametrize(
    "rank,amount,adjustments,balances,message",
    [
        (
            1,
            5000,
            [Adjustment(group="CO", carc="45", amount=1000)],
            {1: 5500},
            "claim C1: payment 50.00 + adjustments 10.00 = 60.00 is more than the primary owes (55.00); nothing posted",
        ),
        (
            PATIENT,
            100,
            [],
            {},
            "claim C1: payment 1.00 + adjustments 0.00 = 1.00 is more than the patient owes (0.00); nothing posted",
        ),
        (
            PATIENT,
            100,
            [Adjustment(group="CO", carc="45", amount=100)],
            {PATIENT: 500},
            "adjustments belong to a payer's payment, not to a patient payment",
        ),
        (1, 0, [], {1: 500}, "nothing to post: the amount is 0.00 and there are no adjustments"),
    ],
)
def test_refused(rank, amount, adjustments, balances, message):
    with pytest.raises(InputError) as err:
        plan_manual_payment(
            _claim("MCR"), rank=rank, amount=amount, adjustments=adjustments, table=TABLE, balances=balances
        )
    assert str(err.value) == message


def test_exact_balance_is_allowed():
    plan = plan_manual_payment(
        _claim("MCR"),
        rank=1,
        amount=5000,
        table=TABLE,
        balances={1: 5500},
        adjustments=[Adjustment(group="CO", carc="45", amount=500)],
    )
    assert plan.deltas() == {1: -5500}


# Issue #13 item 3: a payment on a claim line is limited by what that responsibility
# holds on the line (with its claim-level money, unattributed to any line), as an ERA
# line's denial is capped.
def test_a_line_payment_is_limited_by_the_line():
    with pytest.raises(InputError) as err:
        plan_manual_payment(
            _claim("MCR"),
            rank=1,
            amount=30000,
            adjustments=(),
            table=TABLE,
            balances={1: 42000},
            line=LineHolding(number=1, on_line=2000, claim_level=0),
        )
    assert str(err.value) == (
        "claim C1 line 1: payment 300.00 + adjustments 0.00 = 300.00 is more than the "
        "primary holds on that line (20.00); nothing posted"
    )


def test_a_line_payment_counts_its_adjustments_and_the_claim_level_money():
    adjustments = [Adjustment(group="CO", carc="45", amount=500), Adjustment(group="PR", carc="2", amount=500)]
    holding = LineHolding(number=2, on_line=2000, claim_level=1000)
    plan = plan_manual_payment(
        _claim("MCR"), rank=1, amount=2000, adjustments=adjustments, table=TABLE, balances={1: 42000}, line=holding
    )
    assert plan.paid + plan.written_down + plan.transferred == 3000
    with pytest.raises(
        InputError,
        match=r"line 2: payment 20\.00 \+ adjustments 10\.01 = 30\.01 is more than "
        r"the primary holds on that line \(30\.00 with its claim-level balance\)",
    ):
        plan_manual_payment(
            _claim("MCR"),
            rank=1,
            amount=2000,
            table=TABLE,
            balances={1: 42000},
            line=holding,
            adjustments=[*adjustments, Adjustment(group="CO", carc="45", amount=1)],
        )


def test_money_paid_at_claim_level_does_not_raise_a_line_limit():
    """A payment posted earlier without a line leaves the claim level below zero: the
    line still holds only its own money (and the claim's total still applies)."""
    with pytest.raises(InputError, match=r"holds on that line \(20\.00\)"):
        plan_manual_payment(
            _claim("MCR"),
            rank=1,
            amount=2001,
            adjustments=(),
            table=TABLE,
            balances={1: 5000},
            line=LineHolding(number=1, on_line=2000, claim_level=-5000),
        )


def test_a_denial_on_a_line_lowers_nothing_so_it_is_not_limited():
    plan = plan_manual_payment(
        _claim("MCR"),
        rank=1,
        amount=0,
        table=TABLE,
        balances={1: 42000},
        adjustments=[Adjustment(group="CO", carc="50", amount=40000)],
        line=LineHolding(number=1, on_line=2000, claim_level=0),
    )
    assert plan.entries == () and len(plan.denied) == 1


def test_a_patient_payment_on_a_line_is_limited_by_the_patient_share_there():
    with pytest.raises(InputError, match="is more than the patient holds on that line"):
        plan_manual_payment(
            _claim("MCR"),
            rank=PATIENT,
            amount=2500,
            adjustments=(),
            table=TABLE,
            balances={PATIENT: 4000},
            line=LineHolding(number=1, on_line=2000, claim_level=0),
        )
