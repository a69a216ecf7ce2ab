"""What a payer's remittance advice says, as plain values: the payment, each claim it
pays, each service line and adjustment, and the provider-level adjustments.

These are the values the 835 reader (ar_cli.x12) yields and posting consumes. They hold
billing words, not X12 names; the X12 element a field came from is given in its
docstring only so a reader of the code can check it against the TR3. The `segment`
field on each value is the 1-based segment number in the file, kept for messages.

Conventions, the same on every value:
- money is integer cents, signed as sent (a reversal carries negative amounts);
- text that the file left out is '' (never None), so a field is always a str;
- a date that is absent or not a real CCYYMMDD date is None (the raw text is kept
  where posting needs it: the payment date);
- quantities (units, CAS quantities) stay the text that was sent, or None when empty,
  because they are counts in the payer's own precision, not money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ar_cli.domain.errors import Problem


class AdjustmentGroup(StrEnum):
    """Who an adjustment is charged to (CAS01). 4010's CR (correction and reversal)
    is read as CONTRACTUAL_OBLIGATION; the adjustment keeps 'CR' in group_as_sent."""

    CONTRACTUAL_OBLIGATION = "CO"
    PATIENT_RESPONSIBILITY = "PR"
    OTHER_ADJUSTMENT = "OA"
    PAYER_INITIATED = "PI"


@dataclass(frozen=True, kw_only=True, slots=True)
class Adjustment:
    """One reason the payer paid other than what was charged (one CAS triplet).

    group: who carries it (CAS01; CR read as CO).
    group_as_sent: CAS01 exactly as the file has it ('CR' in 4010 reversals).
    reason_code: the claim adjustment reason code, CARC (CAS02/05/08/11/14/17).
    amount: cents; positive reduces the payment, negative increases it.
    quantity: units adjusted as sent, or None when empty.
    segment: the CAS segment number.
    """

    group: AdjustmentGroup
    group_as_sent: str
    reason_code: str
    amount: int
    quantity: str | None
    segment: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Reference:
    """An identifier the payer attached (REF): qualifier ('6R', 'F8', '1L', 'EA', …)
    and value. Values can be PHI (REF*SY is a social security number)."""

    qualifier: str
    value: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SupplementalAmount:
    """An informational amount (AMT): qualifier ('AU' covered, 'B6' allowed, 'I'
    interest, …) and cents. Never part of balancing."""

    qualifier: str
    amount: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Person:
    """A person or organisation named on a claim payment (NM1). PHI.

    last_name / first_name / middle_name: NM103 / NM104 / NM105 ('' when absent).
    id_qualifier: what kind of id (NM108: 'MI' member id, 'HN', '34' SSN, 'MR', …).
    identifier: the id itself (NM109), e.g. the member id.
    """

    last_name: str
    first_name: str
    middle_name: str
    id_qualifier: str
    identifier: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceLine:
    """What the payer did with one billed service line (SVC loop).

    procedure_qualifier: code set of the procedure (SVC01-1: 'HC' CPT/HCPCS, 'AD'
        dental, 'NU' revenue code, …); '' when the file gave no qualifier.
    procedure_code: the procedure as adjudicated (SVC01-2).
    modifiers: procedure modifiers (SVC01-3..6), in order, empty ones dropped.
    original_procedure_qualifier / original_procedure_code / original_modifiers:
        the procedure as billed (SVC06) when the payer changed or bundled it;
        '' / '' / () when the payer did not.
    charge: the line charge in cents (SVC02; 0 when empty, and then named in
        `missing_amounts`).
    paid: what the payer paid on the line in cents (SVC03; 0 when empty, and named
        in `missing_amounts`).
    revenue_code: NUBC revenue code (SVC04), '' when absent.
    units_paid: units paid as sent (SVC05); None when empty (the TR3 reads it as 1).
    original_units: units billed as sent (SVC07) when they differ; None when empty.
    service_date_from / service_date_to: DTM*472 (both set to it) or DTM*150/151.
    line_control_number: the billed line's control number (REF*6R), '' when absent;
        the key for matching the line to the claim line.
    references: the line's other REF qualifier/value pairs.
    remark_codes: remittance advice remark codes (LQ*HE), in order.
    amounts: informational amounts (AMT), e.g. 'B6' allowed.
    adjustments: the line's adjustments, in file order.
    segment: the SVC segment number.
    missing_amounts: the required amounts the file left empty ('SVC02', 'SVC03'), in
        that order; () when both were sent. An empty amount is not $0.00: posting
        holds the claim payment (ProblemKind.MISSING_LINE_AMOUNT).
    """

    procedure_qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    original_procedure_qualifier: str
    original_procedure_code: str
    original_modifiers: tuple[str, ...]
    charge: int
    paid: int
    revenue_code: str
    units_paid: str | None
    original_units: str | None
    service_date_from: date | None
    service_date_to: date | None
    line_control_number: str
    references: tuple[Reference, ...]
    remark_codes: tuple[str, ...]
    amounts: tuple[SupplementalAmount, ...]
    adjustments: tuple[Adjustment, ...]
    segment: int
    missing_amounts: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ClaimPayment:
    """What the payer did with one claim (CLP loop).

    claim_number: our patient control number echoed back (CLP01): the claim key.
        Not unique inside a remittance (a reversal and its correction share it).
    status_code: claim status (CLP02): '1'/'2'/'3' processed as primary/secondary/
        tertiary, '4' denied, '19'/'20'/'21' processed and forwarded, '22' reversal,
        '23' not ours, '25' predetermination.
    charge: total claim charge in cents (CLP03).
    paid: total paid on the claim in cents (CLP04).
    patient_responsibility: cents the patient owes (CLP05; 0 when empty).
    filing_indicator: claim filing indicator (CLP06: 'MB', 'MC', '12', …).
    payer_claim_number: the payer's own claim control number (CLP07), ties a
        reversal to its original.
    facility_code: place of service or bill type (CLP08).
    frequency_code: claim frequency (CLP09: '1' original, '7' replacement, '8' void).
    patient: the patient (NM1*QC), None when the file has none. PHI.
    insured: the subscriber when not the patient (NM1*IL), or None. PHI.
    corrected_patient: the payer's corrected name/id (NM1*74), or None. PHI.
    original_reference: the original reference number (REF*F8), '' when absent.
    references: the claim's other REF qualifier/value pairs.
    statement_from / statement_to: statement period (DTM*232 / DTM*233).
    received_date: when the payer received the claim (DTM*050).
    remark_codes: claim-level remark codes (MOA03-07, MIA05, MIA20-23), in order.
    amounts: informational amounts (AMT), e.g. 'AU' covered, 'I' interest.
    adjustments: claim-level adjustments (CAS before the first service line).
    lines: the service lines, in file order.
    segment: the CLP segment number.
    """

    claim_number: str
    status_code: str
    charge: int
    paid: int
    patient_responsibility: int
    filing_indicator: str
    payer_claim_number: str
    facility_code: str
    frequency_code: str
    patient: Person | None
    insured: Person | None
    corrected_patient: Person | None
    original_reference: str
    references: tuple[Reference, ...]
    statement_from: date | None
    statement_to: date | None
    received_date: date | None
    remark_codes: tuple[str, ...]
    amounts: tuple[SupplementalAmount, ...]
    adjustments: tuple[Adjustment, ...]
    lines: tuple[ServiceLine, ...]
    segment: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ProviderAdjustment:
    """A provider-level adjustment (one PLB reason/amount pair): money in this payment
    that belongs to no claim (interest, recoupment, forward balance, …).

    provider_id: the provider the adjustment concerns (PLB01, NPI or tax id).
    fiscal_period_date: end of the provider's fiscal period (PLB02), None when not a date.
    reason_code: adjustment reason (PLB03-1: 'WO', 'FB', 'L6', 'CS', 'CV', '72', …).
    reference: what it refers to (PLB03-2, often a claim number or ICN), '' if none.
    amount: cents as sent: positive is taken from this payment, negative adds to it.
    segment: the PLB segment number (one PLB holds up to six pairs).
    """

    provider_id: str
    fiscal_period_date: date | None
    reason_code: str
    reference: str
    amount: int
    segment: int


@dataclass(frozen=True, kw_only=True, slots=True)
class RemittanceHeader:
    """The payment itself and who pays whom (ST, BPR, TRN, DTM*405, N1*PR, N1*PE).

    control_number: the transaction's control number (ST02); unique only per sender.
    version: implementation guide version (ST03, else GS08): '005010X221A1',
        '004010X091A1'; '' when the file has no envelope and no ST03.
    handling_code: what the payment is (BPR01: 'C' payment and remittance, 'D'
        payment only, 'H' notification only, 'I' remittance only, 'P', 'U', 'X').
    payment_amount: total paid to the provider in cents (BPR02).
    credit_debit: 'C' credit or 'D' debit (BPR03).
    payment_method: 'ACH', 'CHK', 'NON', 'FWT' or 'BOP' (BPR04), as sent.
    payment_date: check issue or EFT effective date (BPR16), None when absent or not
        a real date; payment_date_text keeps BPR16 exactly as sent.
    trace_number: check or EFT trace number (TRN02): with payer_identifier, the key.
    payer_identifier: the payer's id in the trace (TRN03, usually '1' + EIN).
    originating_company_code: originating company supplemental code (TRN04).
    production_date: when the payer produced the remittance (DTM*405), or None.
    payer_name: N1*PR02.
    payer_id_qualifier / payer_id: N1*PR03 / N1*PR04 ('XV' plan id, …), '' when absent.
    payer_additional_id: REF*2U in the payer loop, '' when absent.
    payer_ids: every id the payer is known by in this remittance (TRN03, N1*PR04,
        the payer loop's REF*2U/EO/HI/NF), distinct, in file order: for alias matching.
    payee_name: N1*PE02.
    payee_npi: N1*PE04 when N1*PE03 is 'XX', else ''.
    payee_tax_id: N1*PE04 when N1*PE03 is 'FI', else REF*TJ in the payee loop, else ''.
    segment: the ST segment number.
    first_filing_indicator: the first claim payment's filing indicator (CLP06), '' when
        the remittance has no claims: the class of a payer this remittance names first.
    """

    control_number: str
    version: str
    handling_code: str
    payment_amount: int
    credit_debit: str
    payment_method: str
    payment_date: date | None
    payment_date_text: str
    trace_number: str
    payer_identifier: str
    originating_company_code: str
    production_date: date | None
    payer_name: str
    payer_id_qualifier: str
    payer_id: str
    payer_additional_id: str
    payer_ids: tuple[str, ...]
    payee_name: str
    payee_npi: str
    payee_tax_id: str
    segment: int
    first_filing_indicator: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class RemittanceStarted:
    """Event: a remittance transaction begins; its header is complete."""

    header: RemittanceHeader


@dataclass(frozen=True, kw_only=True, slots=True)
class RemittanceEnded:
    """Event: the remittance transaction just read is complete (its SE was read).

    header: the same header RemittanceStarted carried.
    provider_adjustments: every PLB pair in the transaction, in file order.
    digest: sha256 hex over the transaction's segments ST..SE without its control
        numbers (ST02, SE02): the same remittance re-sent in another envelope, or with
        other delimiters, has the same digest.
    warnings: envelope and control faults that did not stop the reading (counts and
        control numbers that disagree, a missing payment date, …), in file order.
    claim_count: how many claim payments the transaction held.
    segment_count: how many segments the transaction has, ST and SE included.
    segment: the SE segment number.
    """

    header: RemittanceHeader
    provider_adjustments: tuple[ProviderAdjustment, ...]
    digest: str
    warnings: tuple[Problem, ...]
    claim_count: int
    segment_count: int
    segment: int


RemittanceEvent = RemittanceStarted | ClaimPayment | RemittanceEnded


@dataclass(frozen=True, kw_only=True, slots=True)
class Remittance:
    """One whole remittance transaction held in memory (for `era show` and tests;
    posting streams the events instead).

    header / claims / provider_adjustments / digest / warnings / segment_count: as on
    RemittanceStarted, ClaimPayment and RemittanceEnded.
    """

    header: RemittanceHeader
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...]
    digest: str
    warnings: tuple[Problem, ...]
    segment_count: int
