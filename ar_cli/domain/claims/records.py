"""Claims as the practice billed them: plain records, no storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PATIENT = 0  # the responsibility number of the patient; coverages are 1, 2, 3


def responsibility_name(rank: int) -> str:
    return {0: "patient", 1: "primary", 2: "secondary", 3: "tertiary"}.get(rank, f"coverage {rank}")


@dataclass(frozen=True, kw_only=True, slots=True)
class CoverageIn:
    """A payer's place on a claim as billed. rank 1 = primary."""

    rank: int
    payer_code: str
    payer_name: str
    member_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ClaimLineIn:
    """One billed service line. `charge` in cents; `modifiers` in billed order."""

    line_number: int
    line_control_number: str
    procedure_code: str
    modifiers: tuple[str, ...]
    units: str
    charge: int
    service_from: date
    service_to: date
    source_line: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ClaimIn:
    """One claim read from a charge file, with its lines and ordered coverages.

    Patient name and birth date are PHI: never put them in messages.
    """

    claim_number: str
    patient_account: str
    patient_last: str
    patient_first: str
    patient_birth_date: date | None
    billed_date: date
    coverages: tuple[CoverageIn, ...]
    billing_npi: str
    rendering_npi: str
    place_of_service: str
    frequency_code: str
    original_claim_ref: str
    lines: tuple[ClaimLineIn, ...]
    source_line: int

    @property
    def first_service_date(self) -> date:
        return min(line.service_from for line in self.lines)

    @property
    def total_charge(self) -> int:
        return sum(line.charge for line in self.lines)

    def claim_fields(self) -> dict[str, object]:
        """The claim-level values a later import is compared with (conflict detection)."""
        return claim_level_fields(self)


def claim_level_fields(claim: ClaimIn | Claim) -> dict[str, object]:
    """Claim-level values as a charge file states them: the same for a claim as billed
    and as stored, so the two compare directly."""
    return {
        "patient_account": claim.patient_account,
        "billed_date": claim.billed_date.isoformat(),
        "coverages": [[c.rank, c.payer_code, c.member_id] for c in claim.coverages],
        "billing_npi": claim.billing_npi,
        "rendering_npi": claim.rendering_npi,
        "place_of_service": claim.place_of_service,
        "frequency_code": claim.frequency_code,
        "original_claim_ref": claim.original_claim_ref,
    }


def line_fields(line: ClaimLineIn | ClaimLine) -> dict[str, object]:
    """A line's values as a charge file states them (billed or stored alike)."""
    return {
        "line_control_number": line.line_control_number,
        "procedure_code": line.procedure_code,
        "modifiers": ":".join(line.modifiers),
        "units": line.units,
        "charge": line.charge,
        "service_from": line.service_from.isoformat(),
        "service_to": line.service_to.isoformat(),
    }


@dataclass(frozen=True, kw_only=True, slots=True)
class Coverage:
    """A payer's place on a stored claim."""

    rank: int
    payer_id: int
    payer_code: str
    payer_name: str
    member_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ClaimLine:
    """A stored claim line (ids are the ledger's)."""

    id: int
    line_number: int
    line_control_number: str
    procedure_code: str
    modifiers: tuple[str, ...]
    units: str
    charge: int
    service_from: date
    service_to: date


@dataclass(frozen=True, kw_only=True, slots=True)
class Claim:
    """A stored claim with its coverages (by rank) and lines (by line number)."""

    id: int
    claim_number: str
    patient_id: int
    patient_account: str
    patient_last: str
    patient_first: str
    billed_date: date
    first_service_date: date
    billing_npi: str
    rendering_npi: str
    place_of_service: str
    frequency_code: str
    original_claim_ref: str
    status: str
    coverages: tuple[Coverage, ...]
    lines: tuple[ClaimLine, ...]

    def claim_fields(self) -> dict[str, object]:
        return claim_level_fields(self)

    def coverage(self, rank: int) -> Coverage | None:
        return next((c for c in self.coverages if c.rank == rank), None)

    @property
    def first_responsibility(self) -> int:
        """Who a new charge is owed by: the primary coverage, or the patient (self-pay)."""
        return self.coverages[0].rank if self.coverages else PATIENT


def line_key(line_control_number: str, line_number: int) -> str:
    """How a charge file identifies a line: its control number, else its position."""
    return line_control_number or f"#{line_number}"
