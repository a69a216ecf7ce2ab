"""The reader's fast constructors make ordinary, immutable domain values."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, fields, replace

import pytest

from ar_cli.domain.remittance.advice import Adjustment, AdjustmentGroup, ClaimPayment, Person, ServiceLine
from ar_cli.x12 import fast_values
from ar_cli.x12.fast_values import new_adjustment, new_person, twin

PR = AdjustmentGroup.PATIENT_RESPONSIBILITY


def test_a_twin_built_value_is_the_frozen_class() -> None:
    built = new_adjustment(PR, "PR", "2", 2000, None, 12)
    normal = Adjustment(group=PR, group_as_sent="PR", reason_code="2", amount=2000, quantity=None, segment=12)
    assert type(built) is Adjustment
    assert built == normal and normal == built
    assert hash(built) == hash(normal)
    assert repr(built) == repr(normal)
    assert replace(built, amount=1) == replace(normal, amount=1)
    assert pickle.loads(pickle.dumps(built)) == normal
    assert copy.deepcopy(built) == normal
    with pytest.raises(FrozenInstanceError):
        built.amount = 0  # type: ignore[misc]
    # A new attribute is refused as for any frozen slots value (TypeError on 3.11).
    for value in (built, normal):
        with pytest.raises((AttributeError, TypeError)):
            value.extra = 1  # type: ignore[attr-defined]


def test_positional_order_is_the_field_order() -> None:
    person = new_person("LAST", "FIRST", "M", "MI", "ID1")
    assert [getattr(person, f.name) for f in fields(Person)] == ["LAST", "FIRST", "M", "MI", "ID1"]


@pytest.mark.parametrize("cls", [ServiceLine, ClaimPayment])
def test_every_large_value_has_a_twin_with_the_same_slots(cls: type) -> None:
    draft = twin(cls).draft  # type: ignore[attr-defined]
    assert draft.__slots__ == cls.__slots__


def test_the_module_exposes_one_constructor_per_value() -> None:
    names = {name for name in dir(fast_values) if name.startswith("new_")}
    assert names == {
        "new_adjustment", "new_claim_payment", "new_person", "new_provider_adjustment", "new_reference",
        "new_service_line", "new_supplemental_amount",
    }  # fmt: skip
