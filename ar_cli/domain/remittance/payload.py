"""A claim payment as plain JSON values, and back.

What an exception keeps of a parked claim payment, so that `exceptions apply` can post
it later exactly as the remittance said (lines, adjustments, remark codes, dates).
Names and member ids (patient, insured, corrected patient) are PHI and are not kept:
the person applying the payment confirms whose claim it is.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from enum import Enum
from functools import cache
from typing import Any, cast

from ar_cli.domain.remittance.advice import ClaimPayment

PHI_FIELDS = frozenset({"patient", "insured", "corrected_patient"})


def to_payload(payment: ClaimPayment) -> dict[str, Any]:
    """The payment's fields as JSON values, PHI left out."""
    return {f.name: _encode(getattr(payment, f.name)) for f in dataclasses.fields(payment) if f.name not in PHI_FIELDS}


def from_payload(data: dict[str, Any]) -> ClaimPayment:
    """The payment `to_payload` wrote, PHI fields None. Raises ValueError (or
    KeyError/TypeError) when the data is not such a payload."""
    # _decode builds an instance of the dataclass it is given.
    return cast(ClaimPayment, _decode(ClaimPayment, {**data, **{name: None for name in PHI_FIELDS}}))


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return _decode(options[0], value)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_decode(item, v) for v in value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        # A field added later with a default (ServiceLine.missing_amounts) may be absent
        # from a payload stored before it; every other field is required.
        return kind(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value or f.default is dataclasses.MISSING
            }
        )
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind is date:
        return date.fromisoformat(value)
    return value
