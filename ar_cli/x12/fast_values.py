"""Fast construction of the frozen domain values the 835 reader yields by the million.

A frozen dataclass's __init__ sets every field through object.__setattr__, which is
about four times slower than a plain slot store; a 100,000-claim remittance sets some
nine million fields, so that alone costs more than splitting the file. Here each
frozen class gets a twin: a plain slots dataclass generated from the frozen class's own
fields, so both have exactly the same slot layout. The reader fills a twin (fast
positional __init__) and retags it as the frozen class by assigning __class__, which
CPython allows precisely when the layouts match. The result is an ordinary instance
of the frozen class: equal to, hashing like and as immutable as one built by its
constructor (tests/x12/test_x12_fast_values.py holds that). Positional order is the
frozen class's field order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, make_dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ar_cli.domain.remittance.advice import (
    Adjustment,
    ClaimPayment,
    Person,
    ProviderAdjustment,
    Reference,
    ServiceLine,
    SupplementalAmount,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def twin(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for the frozen slots dataclass `cls`."""
    draft: Any = make_dataclass(
        f"_{cls.__name__}Draft", [(f.name, f.type) for f in fields(cls)], slots=True, eq=False, repr=False
    )
    if draft.__slots__ != cls.__slots__:  # type: ignore[attr-defined]  # a slots dataclass has them
        raise TypeError(f"{cls.__name__} has extra slots; a twin cannot stand in for it")

    def build(*values: Any) -> T:
        value = draft(*values)
        value.__class__ = cls
        return value  # type: ignore[no-any-return]  # retagged as cls just above (no cast: hot path)

    # Callers in the hot path inline these two steps; expose what they need (an attribute
    # on the function, which mypy does not model: hence the ignores here and below).
    build.draft = draft  # type: ignore[attr-defined]
    return build


new_adjustment = twin(Adjustment)
new_reference = twin(Reference)
new_supplemental_amount = twin(SupplementalAmount)
new_person = twin(Person)
new_service_line = twin(ServiceLine)
new_claim_payment = twin(ClaimPayment)
new_provider_adjustment = twin(ProviderAdjustment)

AdjustmentDraft = new_adjustment.draft  # type: ignore[attr-defined]
SupplementalAmountDraft = new_supplemental_amount.draft  # type: ignore[attr-defined]
ServiceLineDraft = new_service_line.draft  # type: ignore[attr-defined]
ClaimPaymentDraft = new_claim_payment.draft  # type: ignore[attr-defined]
