"""Payer rules: financial classes, first-sight defaults, timely-filing limits."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ar_cli.domain.errors import InputError

SELF_PAY_CODES = frozenset({"", "SELF", "SELFPAY", "SELF-PAY"})
DEFAULT_TIMELY_FILING = "365d"
DEFAULT_APPEAL_WINDOW_DAYS = 180
APPEAL_LEVELS = (1, 2, 3, 4, 5)


class FinancialClass(StrEnum):
    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    SELF_PAY = "self-pay"
    OTHER = "other"


# Claim filing indicator (835 CLP06 / 837 SBR09) → financial class.
_FILING_INDICATOR_CLASS = {
    "MA": FinancialClass.MEDICARE,
    "MB": FinancialClass.MEDICARE,
    "16": FinancialClass.MEDICARE,
    "MC": FinancialClass.MEDICAID,
    "BL": FinancialClass.COMMERCIAL,
    "CI": FinancialClass.COMMERCIAL,
    "HM": FinancialClass.COMMERCIAL,
    "12": FinancialClass.COMMERCIAL,
    "13": FinancialClass.COMMERCIAL,
    "14": FinancialClass.COMMERCIAL,
    "15": FinancialClass.COMMERCIAL,
    "17": FinancialClass.COMMERCIAL,
}


def is_self_pay(payer_code: str) -> bool:
    return payer_code.strip().upper() in SELF_PAY_CODES


def class_from_filing_indicator(code: str) -> FinancialClass:
    return _FILING_INDICATOR_CLASS.get(code.strip().upper(), FinancialClass.OTHER)


def first_sight_class(name: str, filing_indicator: str = "") -> FinancialClass:
    """A new payer's class: its claim filing indicator (CLP06) when that names one,
    else a guess from its name (`payers set` corrects either)."""
    return _FILING_INDICATOR_CLASS.get(filing_indicator.strip().upper()) or class_from_name(name)


def class_from_name(name: str) -> FinancialClass:
    """First-sight guess from a payer's name; `payers set` corrects it."""
    upper = name.upper()
    if "MEDICARE" in upper and "ADVANTAGE" not in upper:
        return FinancialClass.MEDICARE
    if "MEDICAID" in upper or "MEDI-CAL" in upper:
        return FinancialClass.MEDICAID
    return FinancialClass.OTHER


@dataclass(frozen=True, kw_only=True)
class TimelyFiling:
    """A filing limit: `count` days ('d') or months ('m')."""

    count: int
    unit: str

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def deadline(self, start: date) -> date:
        if self.unit == "d":
            return start + timedelta(days=self.count)
        month_index = start.month - 1 + self.count
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)


_LIMIT = re.compile(r"^\s*(\d{1,4})\s*([dm])\s*$", re.IGNORECASE)


def parse_timely_filing(text: str) -> TimelyFiling:
    match = _LIMIT.match(text)
    if not match or int(match.group(1)) == 0:
        raise InputError(f"--timely-filing: {text!r} is not a limit like 90d or 12m")
    return TimelyFiling(count=int(match.group(1)), unit=match.group(2).lower())


def parse_appeal_window(text: str) -> tuple[int, int]:
    """'1=120' → (level 1, 120 days)."""
    level, sep, days = text.partition("=")
    if not sep or not level.strip().isdigit() or not days.strip().isdigit():
        raise InputError(f"--appeal-window: {text!r} is not LEVEL=DAYS, e.g. 1=120")
    lvl, dys = int(level), int(days)
    if lvl not in APPEAL_LEVELS or not 1 <= dys <= 3650:
        raise InputError(f"--appeal-window: {text!r}: level must be 1–5 and days 1–3650")
    return lvl, dys


MEDICARE_TIMELY_FILING = TimelyFiling(count=12, unit="m")
OTHER_TIMELY_FILING = TimelyFiling(count=365, unit="d")


def first_sight_timely_filing(financial_class: FinancialClass) -> TimelyFiling:
    """A new payer's filing limit (DESIGN.md): 12 months for Medicare, else 365 days."""
    return MEDICARE_TIMELY_FILING if financial_class == FinancialClass.MEDICARE else OTHER_TIMELY_FILING


@dataclass(frozen=True, kw_only=True)
class FirstSight:
    """A payer the ledger has not seen yet, as a charge file or a remittance names it.

    code: the payer's code (a charge file's payer column; a remittance's id or name).
    filing_indicator: the claim filing indicator (835 CLP06) when a remittance names
        the payer first; '' from a charge file (the name decides).
    ids: every id it is known by (aliases), the code among them.
    alias_kind: what the aliases are ('code' from a charge file, 'remittance').
    """

    code: str
    name: str
    filing_indicator: str = ""
    ids: tuple[str, ...] = ()
    alias_kind: str = "code"

    @property
    def financial_class(self) -> FinancialClass:
        return first_sight_class(self.name, self.filing_indicator)

    @property
    def timely_filing(self) -> TimelyFiling:
        return first_sight_timely_filing(self.financial_class)

    @property
    def aliases(self) -> list[str]:
        return sorted({i.strip().upper() for i in (*self.ids, self.code) if i and i.strip()})

    @classmethod
    def from_remittance(cls, code: str, *, name: str, payer_ids: tuple[str, ...], filing_indicator: str) -> FirstSight:
        return cls(
            code=code, name=name or code, filing_indicator=filing_indicator, ids=payer_ids, alias_kind="remittance"
        )
