"""Stored claims' domain values (Claim, ClaimLine, Coverage) built from a query's
tuples, for the batch reads of posting (claims_repo.claims_by_number).

The records are frozen, slotted, keyword-only dataclasses: their generated `__init__`
takes keywords and sets each field through `object.__setattr__`, about 2 µs a line and
4 µs a claim, and a 100,000-claim remittance reads 420,000 of them. Here each value is
made with `object.__new__` and its slots set through the slots' own descriptors (what
the frozen `__setattr__` refuses, the descriptors allow): the same value, equal to and
indistinguishable from one made by the constructor, at a third of the cost. The field
lists are checked against the records' fields when this module loads, so a field added
to a record fails here at once instead of being left unset.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from ar_cli.domain.claims.records import Claim, ClaimLine, Coverage

__all__ = ["claim", "coverage", "line"]


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    """Each named field's slot setter, the names checked to be the record's fields in order."""
    declared = tuple(f.name for f in fields(cls))
    if declared != names:
        raise TypeError(f"claim_values: {cls.__name__} has fields {declared}, built here as {names}")
    return tuple(cls.__dict__[name].__set__ for name in names)


_new = object.__new__

(_cv_rank, _cv_payer_id, _cv_payer_code, _cv_payer_name, _cv_member_id) = _slot_setters(
    Coverage, ("rank", "payer_id", "payer_code", "payer_name", "member_id")
)


def coverage(rank: int, payer_id: int, payer_code: str, payer_name: str, member_id: str) -> Coverage:
    value = _new(Coverage)
    _cv_rank(value, rank)
    _cv_payer_id(value, payer_id)
    _cv_payer_code(value, payer_code)
    _cv_payer_name(value, payer_name)
    _cv_member_id(value, member_id)
    return value


(_ln_id, _ln_number, _ln_control, _ln_code, _ln_modifiers, _ln_units, _ln_charge, _ln_from, _ln_to) = _slot_setters(
    ClaimLine,
    (
        "id",
        "line_number",
        "line_control_number",
        "procedure_code",
        "modifiers",
        "units",
        "charge",
        "service_from",
        "service_to",
    ),
)


def line(
    line_id: int,
    line_number: int,
    line_control_number: str,
    procedure_code: str,
    modifiers: tuple[str, ...],
    units: str,
    charge: int,
    service_from: date,
    service_to: date,
) -> ClaimLine:
    value = _new(ClaimLine)
    _ln_id(value, line_id)
    _ln_number(value, line_number)
    _ln_control(value, line_control_number)
    _ln_code(value, procedure_code)
    _ln_modifiers(value, modifiers)
    _ln_units(value, units)
    _ln_charge(value, charge)
    _ln_from(value, service_from)
    _ln_to(value, service_to)
    return value


(
    _cl_id,
    _cl_number,
    _cl_patient_id,
    _cl_account,
    _cl_last,
    _cl_first,
    _cl_billed,
    _cl_first_service,
    _cl_billing_npi,
    _cl_rendering_npi,
    _cl_place,
    _cl_frequency,
    _cl_original,
    _cl_status,
    _cl_coverages,
    _cl_lines,
) = _slot_setters(
    Claim,
    (
        "id",
        "claim_number",
        "patient_id",
        "patient_account",
        "patient_last",
        "patient_first",
        "billed_date",
        "first_service_date",
        "billing_npi",
        "rendering_npi",
        "place_of_service",
        "frequency_code",
        "original_claim_ref",
        "status",
        "coverages",
        "lines",
    ),
)


def claim(
    claim_id: int,
    claim_number: str,
    patient_id: int,
    patient_account: str,
    patient_last: str,
    patient_first: str,
    billed_date: date,
    first_service_date: date,
    billing_npi: str,
    rendering_npi: str,
    place_of_service: str,
    frequency_code: str,
    original_claim_ref: str,
    status: str,
    coverages: tuple[Coverage, ...],
    lines: tuple[ClaimLine, ...],
) -> Claim:
    value = _new(Claim)
    _cl_id(value, claim_id)
    _cl_number(value, claim_number)
    _cl_patient_id(value, patient_id)
    _cl_account(value, patient_account)
    _cl_last(value, patient_last)
    _cl_first(value, patient_first)
    _cl_billed(value, billed_date)
    _cl_first_service(value, first_service_date)
    _cl_billing_npi(value, billing_npi)
    _cl_rendering_npi(value, rendering_npi)
    _cl_place(value, place_of_service)
    _cl_frequency(value, frequency_code)
    _cl_original(value, original_claim_ref)
    _cl_status(value, status)
    _cl_coverages(value, coverages)
    _cl_lines(value, lines)
    return value
