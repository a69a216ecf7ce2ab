"""Appeal windows and deadlines: how long a payer gives for each appeal level, and the
date an appeal must be filed by. Pure: the dates come in, no clock.

Medicare (by financial class) has its own defaults, from its appeal rules: a
redetermination (level 1) within 120 days of the remittance, plus 5 days' mail
presumption (the notice is taken as received 5 days after its date); a reconsideration
(level 2) within 180 days of the redetermination decision; the later levels (ALJ
hearing, Appeals Council, federal court) within 60 days, plus the 5 mail days. Every
other payer: 180 days at every level (DESIGN.md), until `ar-cli payers set
--appeal-window LEVEL=DAYS` says otherwise. A configured window replaces the days of
its level; Medicare's mail days stay (they are a rule of the program, not the window).

The clock of level 1 starts at the remittance's payment date (BPR16), else its
production date (DTM*405); a later level's starts at the decision that upheld the
previous one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ar_cli.domain.payers import APPEAL_LEVELS, DEFAULT_APPEAL_WINDOW_DAYS, FinancialClass

MEDICARE_MAIL_DAYS = 5


@dataclass(frozen=True, kw_only=True, slots=True)
class AppealWindow:
    """How long one appeal level stays open.

    level: 1 first appeal (Medicare: redetermination), 2 second (reconsideration), …
    name: the level in words.
    days: the payer's window, counted from the start date.
    mail_days: days added for the notice to arrive (Medicare's mail presumption).
    """

    level: int
    name: str
    days: int
    mail_days: int = 0

    def deadline(self, start: date) -> date:
        """The last day to file an appeal at this level, counting from `start`."""
        return start + timedelta(days=self.days + self.mail_days)


_MEDICARE = {
    1: ("redetermination", 120, MEDICARE_MAIL_DAYS),
    2: ("reconsideration", 180, 0),
    3: ("ALJ hearing", 60, MEDICARE_MAIL_DAYS),
    4: ("Appeals Council review", 60, MEDICARE_MAIL_DAYS),
    5: ("judicial review", 60, MEDICARE_MAIL_DAYS),
}


def appeal_windows(financial_class: str, configured: Mapping[int, int] | None = None) -> dict[int, AppealWindow]:
    """Every level's window for a payer of `financial_class`, `configured` days (level →
    days, from PayerAppealWindowRow) replacing the defaults of their levels."""
    configured = configured or {}
    medicare = financial_class == FinancialClass.MEDICARE
    windows = {}
    for level in APPEAL_LEVELS:
        if medicare:
            name, days, mail = _MEDICARE[level]
        else:
            name, days, mail = f"level {level} appeal", DEFAULT_APPEAL_WINDOW_DAYS, 0
        windows[level] = AppealWindow(level=level, name=name, days=configured.get(level, days), mail_days=mail)
    return windows


def remittance_start(payment_date: date | None, production_date: date | None) -> date | None:
    """Where a level-1 clock starts: BPR16 when it is a date, else DTM*405, else None."""
    return payment_date or production_date


def next_level(level: int) -> int | None:
    """The level after `level` (0: not appealed yet → 1), None after the last."""
    following = level + 1
    return following if following in APPEAL_LEVELS else None


def level_deadline(windows: Mapping[int, AppealWindow], level: int, start: date | None) -> date | None:
    """The filing deadline of `level` counted from `start`; None without a start or level."""
    window = windows.get(level)
    if window is None or start is None:
        return None
    return window.deadline(start)
