"""What may be billed to a patient (issue #13 item 7): the one rule, without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.posting.patient_billing import (
    NO_SURPRISES_REMARKS,
    ClaimFacts,
    ToPatient,
    first_refusal,
    refusal,
)

CLAIM = ClaimFacts(claim_number="C1", self_pay=False)
CO_197 = ToPatient(what="denial 7", group="CO", reason_code="197", amount=152400)


def test_the_issue_case_an_authorization_denial_is_refused():
    assert refusal(CO_197, CLAIM) == (
        "claim C1: denial 7 (CO-197 1524.00) may not be billed to the patient: group CO is the provider's "
        "contractual obligation; only PR amounts or what the patient agreed in writing to pay (an ABN: "
        "modifier GA on the line; --waiver REF) may move; nothing moved"
    )


@pytest.mark.parametrize(
    "group,why",
    [
        ("OA", "group OA is the payer's other adjustment, not the patient's share"),
        ("PI", "group PI is the payer's initiative, not the patient's share"),
        ("", "group none is not the patient's share by the payer's word"),
    ],
)
def test_other_payer_groups_are_refused(group, why):
    said = refusal(ToPatient(what="denial 3", group=group, reason_code="50", amount=100), CLAIM)
    assert said is not None and why in said


def test_pr_amounts_move():
    assert refusal(ToPatient(what="denial 2", group="PR", reason_code="27", amount=5000), CLAIM) is None


def test_a_written_agreement_lets_a_payer_group_amount_move():
    assert refusal(CO_197, ClaimFacts(claim_number="C1", self_pay=False, waiver="ABN 2026-04-30")) is None
    with_ga = ToPatient(what="denial 7", group="CO", reason_code="50", amount=100, line_modifiers=("25", "GA"))
    assert refusal(with_ga, CLAIM) is None
    # GZ says an ABN was expected and not obtained: no agreement.
    with_gz = ToPatient(what="denial 7", group="CO", reason_code="50", amount=100, line_modifiers=("GZ",))
    assert refusal(with_gz, CLAIM) is not None


def test_self_pay_charges_are_the_patients():
    assert refusal(CO_197, ClaimFacts(claim_number="C1", self_pay=True)) is None


@pytest.mark.parametrize("remark", sorted(NO_SURPRISES_REMARKS))
def test_no_surprises_act_claims_refuse_even_with_a_waiver(remark):
    facts = ClaimFacts(claim_number="C1", self_pay=False, remark_codes={"MA01", remark}, waiver="W1")
    with_ga = ToPatient(what="denial 7", group="CO", reason_code="50", amount=100, line_modifiers=("GA",))
    for move in (CO_197, with_ga):
        assert refusal(move, facts) == (
            f"claim C1: {move.what} ({move.group}-{move.reason_code} {'1524.00' if move is CO_197 else '1.00'}) "
            f"may not be billed to the patient: the claim's remittance carries {remark} (No Surprises Act: the "
            "patient owes only the cost sharing the payer stated); nothing moved"
        )
    # The payer's own PR cost sharing on such a claim is the patient's.
    assert refusal(ToPatient(what="PR-2=5.00", group="PR", reason_code="2", amount=500), facts) is None


def test_first_refusal_is_one_line_for_the_whole_request():
    moves = [
        ToPatient(what="denial 1", group="PR", reason_code="27", amount=100),
        CO_197,
        ToPatient(what="denial 9", group="OA", reason_code="18", amount=100),
        ToPatient(what="denial 10", group="PI", reason_code="204", amount=100),
    ]
    said = first_refusal(moves, CLAIM)
    assert said.startswith("claim C1: denial 7 (CO-197 1524.00)") and said.endswith("(2 more amounts likewise)")
    assert "\n" not in said
    assert first_refusal(moves[:1], CLAIM) is None


_GROUPS = st.sampled_from(["CO", "OA", "PI", "PR", "", "co", "pr"])
_REMARKS = st.sets(st.sampled_from(["N830", "N864", "N865", "N866", "N867", "MA01", "N130", "M15"]), max_size=3)
_MODIFIERS = st.lists(st.sampled_from(["GA", "GZ", "GX", "25", "59"]), max_size=3).map(tuple)


@given(_GROUPS, _REMARKS, _MODIFIERS, st.booleans(), st.sampled_from(["", "W-1"]), st.integers(1, 10**9))
def test_the_rule(group, remarks, modifiers, self_pay, waiver, amount):
    """Allowed exactly when PR, or self-pay, or (not a No Surprises Act claim and
    agreed in writing); a refusal is one line naming the claim and never the waiver."""
    move = ToPatient(what="denial 1", group=group, reason_code="50", amount=amount, line_modifiers=modifiers)
    facts = ClaimFacts(claim_number="C9", self_pay=self_pay, remark_codes=remarks, waiver=waiver)
    allowed = (
        group.upper() == "PR"
        or self_pay
        or (not remarks & NO_SURPRISES_REMARKS and (bool(waiver) or "GA" in modifiers))
    )
    said = refusal(move, facts)
    assert (said is None) == allowed
    if said is not None:
        assert said.startswith("claim C9: denial 1 (") and said.endswith("nothing moved") and "\n" not in said


def test_assigned_to_patient_is_the_pr_group_only():
    from ar_cli.domain.posting.patient_billing import assigned_to_patient

    assert assigned_to_patient(ToPatient(what="x", group="pr", reason_code="2", amount=1))
    assert not any(
        assigned_to_patient(ToPatient(what="x", group=g, reason_code="2", amount=1)) for g in ("CO", "OA", "PI", "")
    )
