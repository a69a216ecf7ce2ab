"""What posting an 835 did: one result per remittance transaction, rolled up per file.

The money totals tie to the remittance: paid + unapplied = BPR02 for a posted one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(kw_only=True)
class RemittanceResult:
    """One ST/SE transaction. status: posted | skipped | conflict | rejected | forced |
    notification (BPR01 H: its adjudication posted, no money)."""

    control_number: str
    trace_number: str
    payer: str
    amount: int
    status: str = "posted"
    difference: int = 0
    claims: int = 0
    paid_in_full: int = 0
    partially_paid: int = 0
    denied: int = 0
    reversed: int = 0
    crossed_over: int = 0
    unmatched: int = 0
    parked: int = 0
    money_paid: int = 0
    money_written_down: int = 0
    money_to_patient: int = 0
    money_to_next_payer: int = 0
    money_denied: int = 0
    money_unapplied: int = 0
    money_interest: int = 0  # PLB interest: income, closed at once (paid + interest + unapplied = BPR02)
    denials_repeated: int = 0  # denials the payer said again: noted on the open denial, none opened
    exception_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.exception_ids) or self.status in ("rejected", "conflict", "forced")


@dataclass(kw_only=True)
class EraFileResult:
    file: str
    remittances: list[RemittanceResult] = field(default_factory=list)
    error: str = ""  # the one-line reason a file was refused whole (nothing posted)
    dry_run: bool = False

    @property
    def needs_attention(self) -> bool:
        return bool(self.error) or any(r.needs_attention for r in self.remittances)
