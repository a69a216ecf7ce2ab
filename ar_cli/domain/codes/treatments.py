"""Treatments and denial categories: the values the treatment table is made of.

A treatment says what posting does with an adjustment's amount (DESIGN.md, "What an
adjustment does"); a denial category says why a payer denied, grouped by what the
representative must do about it, with that next action in words. The table that maps
codes to them lives in treatment_table.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ar_cli.domain.codes.book import GROUP_CODES

#: The origin of a rule made for a pair the table does not list.
ORIGIN_FALLBACK = "fallback by group"


class Treatment(StrEnum):
    """What posting does with an adjustment's amount on the coverage that sent it."""

    CONTRACTUAL = "contractual"  # written down on that coverage
    PATIENT = "patient"  # moved to the next coverage, or to the patient
    DENIAL = "denial"  # stays open on that coverage and opens a denial
    PENDING = "pending"  # stays open, no denial; a follow-up
    INFORMATIONAL = "informational"  # no entry

    @property
    def next_action(self) -> str:
        return _TREATMENT_ACTIONS[self]


_TREATMENT_ACTIONS = {
    Treatment.CONTRACTUAL: "Nothing to do: written down on this coverage by contract or rule.",
    Treatment.PATIENT: "Nothing to do here: the amount moves to the next coverage, or to the patient.",
    Treatment.DENIAL: "Read the codes and remarks on the remittance and decide; call the payer if unclear.",
    Treatment.PENDING: "Follow up with the payer until it finalizes the line; it will reverse and correct it.",
    Treatment.INFORMATIONAL: "Nothing to do: no money moves.",
}


@dataclass(frozen=True, slots=True)
class _CategoryInfo:
    label: str
    resubmittable: bool
    appealable: bool
    next_action: str


class DenialCategory(StrEnum):
    """Why a payer denied, grouped by what the representative has to do about it."""

    ELIGIBILITY = "eligibility"
    AUTHORIZATION = "authorization"
    CODING = "coding"
    BUNDLING = "bundling"
    MEDICAL_NECESSITY = "medical_necessity"
    TIMELY_FILING = "timely_filing"
    DUPLICATE = "duplicate"
    MISSING_INFO = "missing_info"
    COORDINATION_OF_BENEFITS = "coordination_of_benefits"
    CREDENTIALING = "credentialing"
    NON_COVERED = "non_covered"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Words for people: 'eligibility / coverage'."""
        return _CATEGORIES[self].label

    @property
    def next_action(self) -> str:
        """What the representative does, in one sentence or two."""
        return _CATEGORIES[self].next_action

    @property
    def resubmittable(self) -> bool:
        """Fixed by sending the claim again (corrected, or to the right payer) rather than
        by an appeal, so the payer's timely-filing limit still runs against it."""
        return _CATEGORIES[self].resubmittable

    @property
    def appealable(self) -> bool:
        """The usual remedy is an appeal (a request to reconsider), with its deadlines."""
        return _CATEGORIES[self].appealable


_C = _CategoryInfo
_CATEGORIES = {
    DenialCategory.ELIGIBILITY: _C(
        "eligibility / coverage",
        True,
        False,
        "Check the patient's coverage for the date of service, correct the coverages on the claim, "
        "then resubmit to the right payer (or bill the patient when there is no coverage).",
    ),
    DenialCategory.AUTHORIZATION: _C(
        "authorization / pre-certification",
        False,
        True,
        "Find or obtain the authorization number, then resubmit or appeal with it.",
    ),
    DenialCategory.CODING: _C(
        "coding",
        False,
        True,
        "Check the codes against the record: send a corrected claim (frequency 7) with the right "
        "procedure, modifier or diagnosis, or appeal with the record when the coding was right.",
    ),
    DenialCategory.BUNDLING: _C(
        "bundling",
        False,
        True,
        "Check the edit: if the service was separate and distinct, correct the modifier or appeal "
        "with the record; otherwise accept it and write it off (never bill the patient).",
    ),
    DenialCategory.MEDICAL_NECESSITY: _C(
        "medical necessity",
        False,
        True,
        "Appeal with the medical record and the payer's policy; bill the patient only if a valid "
        "advance waiver (ABN) was signed.",
    ),
    DenialCategory.TIMELY_FILING: _C(
        "timely filing",
        False,
        True,
        "Find proof the claim was filed in time (clearinghouse acceptance report) and appeal with "
        "it; without proof, write it off: the patient cannot be billed.",
    ),
    DenialCategory.DUPLICATE: _C(
        "duplicate",
        False,
        False,
        "Find the original claim: if it was paid, there is nothing to do; if not, follow up on the "
        "original instead of sending it again.",
    ),
    DenialCategory.MISSING_INFO: _C(
        "missing or invalid information", True, False, "Correct the claim and resubmit it (frequency 7); do not appeal."
    ),
    DenialCategory.COORDINATION_OF_BENEFITS: _C(
        "coordination of benefits",
        True,
        False,
        "Confirm the order of the patient's coverages, bill the payer that is primary, and send "
        "the others the claim with the prior payer's remittance.",
    ),
    DenialCategory.CREDENTIALING: _C(
        "credentialing / enrollment",
        False,
        True,
        "Check the provider's enrollment, credentialing and taxonomy with this payer; fix it, then "
        "resubmit or appeal once it is effective for the date of service.",
    ),
    DenialCategory.NON_COVERED: _C(
        "non-covered service",
        False,
        True,
        "Check the patient's benefits: bill the patient if a waiver was signed or the plan allows "
        "it, appeal if the plan covers it, else write it off.",
    ),
    DenialCategory.OTHER: _C(
        "other", False, True, "Read the codes and remarks on the remittance and decide; call the payer if unclear."
    ),
}
del _C


@dataclass(frozen=True, kw_only=True, slots=True)
class TreatmentRule:
    """One row of the table, for one group.

    group: CO, OA, PI or PR (for a fallback, the group as asked, upper-cased).
    carc: the reason code, normalized ('45', 'B7').
    rarc: the remark code this row needs among those sent, or None for any.
    treatment: what posting does.
    category: the denial category; None unless treatment is DENIAL.
    next_action: what the representative does; never empty.
    note: why the row is what it is ('' when nothing to say).
    origin: the table file the row came from, or ORIGIN_FALLBACK.
    """

    group: str
    carc: str
    rarc: str | None
    treatment: Treatment
    category: DenialCategory | None
    next_action: str
    note: str = ""
    origin: str = ""

    @property
    def is_fallback(self) -> bool:
        return self.origin == ORIGIN_FALLBACK


def effective_treatment(rule: TreatmentRule, amount_cents: int) -> Treatment:
    """The treatment posting applies to an adjustment of `amount_cents` under `rule`.

    A positive (or zero) amount gets the rule's treatment. A negative amount undoes what
    that treatment did, and is never a denial (DESIGN.md):

    - contractual and patient stay as they are: posted with the negative amount, the
      entry reverses the write-down or the transfer;
    - denial becomes informational: a denial wrote nothing to the ledger (the amount
      stayed open), so there is nothing to undo. Writing it as a negative contractual
      or transfer would invent money owed that was never taken away; the denial record
      itself is superseded by the reversal logic, not by an entry;
    - pending becomes informational for the same reason: pending posts nothing, and a
      negative amount must not open a second follow-up;
    - informational stays informational.
    """
    if amount_cents >= 0:
        return rule.treatment
    if rule.treatment in (Treatment.DENIAL, Treatment.PENDING):
        return Treatment.INFORMATIONAL
    return rule.treatment


def fallback_rule(group: str, carc: str) -> TreatmentRule:
    """The rule for a pair the table does not list: PR → patient, all else → denial."""
    if group == "PR":
        return TreatmentRule(
            group=group,
            carc=carc,
            rarc=None,
            treatment=Treatment.PATIENT,
            category=None,
            next_action=Treatment.PATIENT.next_action,
            note="Not in the table: patient responsibility by its group.",
            origin=ORIGIN_FALLBACK,
        )
    note = "Not in the table: left open as a denial by its group."
    if group not in GROUP_CODES:
        note = f"Group {group or '(empty)'} is not CO, OA, PI or PR: left open as a denial."
    return TreatmentRule(
        group=group,
        carc=carc,
        rarc=None,
        treatment=Treatment.DENIAL,
        category=DenialCategory.OTHER,
        next_action=DenialCategory.OTHER.next_action,
        note=note,
        origin=ORIGIN_FALLBACK,
    )
