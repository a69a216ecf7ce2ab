"""Matching a payment's service lines to the claim's lines (DESIGN.md, "Matching a
remittance to the ledger").

Order of the rules, per service line, in remittance order:

1. Line control number (REF*6R). When a claim line carries it, that line is the match —
   if it is already used, the service line is unmatched: the payer named a line we have
   posted, and picking another one would be a guess.
   When no claim line carries it, the payer sent a number of its own (some echo their
   line sequence): fall through to rule 2 rather than leave a good line unmatched.
2. Procedure code + modifiers + service date + charge. The code and modifiers are the
   billed ones: SVC06 when the payer changed or bundled the code, else SVC01.
   Modifiers compare as a set (payers reorder them). The charge compares in absolute
   value so a reversal (amounts negated) matches the lines of its original. A service
   line without a date matches claim lines inside the claim's statement period (DTM*232/
   233), or any date when there is none. Identical claim lines are taken in line order.

Each claim line is used once: by this payment, and by earlier payments of the same claim
in the same remittance (a split claim), whose lines the caller passes in `used_line_ids`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ar_cli.domain.claims.records import Claim, ClaimLine
from ar_cli.domain.posting.values import LineMatch, MatchMethod, new_match
from ar_cli.domain.remittance.advice import ClaimPayment, ServiceLine


def match_lines(claim: Claim, payment: ClaimPayment, used_line_ids: Collection[int] = frozenset()) -> list[LineMatch]:
    """One LineMatch per service line of `payment`, in order. Never mutates its inputs.
    `claim.lines` are in line-number order (Claim's contract): that order breaks ties."""
    return list(match_lines_once(claim, payment, used_line_ids)[0])


def match_lines_once(
    claim: Claim, payment: ClaimPayment, used_line_ids: Collection[int] = frozenset()
) -> tuple[tuple[LineMatch, ...], bool]:
    """match_lines' matches as a tuple, and whether any service line matched nothing
    (the planner asks both, once per claim payment)."""
    taken = set(used_line_ids)
    found: list[LineMatch] = []
    unmatched = False
    lines = claim.lines
    for index, service in enumerate(payment.lines):
        line, method = _match_one(service, payment, lines, taken)
        if line is None:
            unmatched = True
            found.append(new_match(index, service, None, method))
        else:
            taken.add(line.id)
            found.append(new_match(index, service, line.id, method))
    return tuple(found), unmatched


def _match_one(
    service: ServiceLine, payment: ClaimPayment, lines: Sequence[ClaimLine], taken: set[int]
) -> tuple[ClaimLine | None, MatchMethod]:
    control = service.line_control_number.strip()
    if control:
        named = False
        for line in lines:
            if line.line_control_number == control:
                if line.id not in taken:
                    return line, _BY_CONTROL
                named = True
        if named:  # the payer named a line already used: another one would be a guess
            return None, _NONE
    code, modifiers = billed_procedure(service)
    charge = abs(service.charge)
    for line in lines:
        if (
            line.id not in taken
            and line.charge == charge
            and _norm(line.procedure_code) == code
            and _modifier_set(line.modifiers) == modifiers
            and _dates_agree(service, payment, line)
        ):
            return line, _BY_PROCEDURE
    return None, _NONE


_BY_CONTROL, _BY_PROCEDURE, _NONE = MatchMethod.CONTROL_NUMBER, MatchMethod.PROCEDURE, MatchMethod.NONE


def billed_procedure(service: ServiceLine) -> tuple[str, frozenset[str]]:
    """The procedure code and modifier set as billed: SVC06 when sent, else SVC01."""
    if service.original_procedure_code.strip():
        return _norm(service.original_procedure_code), _modifier_set(service.original_modifiers)
    return _norm(service.procedure_code), _modifier_set(service.modifiers)


def _modifier_set(modifiers: Sequence[str]) -> frozenset[str]:
    return frozenset(_norm(m) for m in modifiers if m.strip()) if modifiers else _NO_MODIFIERS


_NO_MODIFIERS: frozenset[str] = frozenset()


def _dates_agree(service: ServiceLine, payment: ClaimPayment, line: ClaimLine) -> bool:
    start, end = service.service_date_from, service.service_date_to
    if start is None:
        # No line date: the claim's statement period is the best the payer told us.
        if payment.statement_from is not None and payment.statement_to is not None:
            return payment.statement_from <= line.service_from <= payment.statement_to
        return True
    if line.service_from != start:
        return False
    # DTM*472 sets both ends to the one date; only a real period (150/151) is compared.
    return end is None or end == start or end == line.service_to


def _norm(code: str) -> str:
    return code.strip().upper()
