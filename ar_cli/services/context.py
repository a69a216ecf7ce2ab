"""Who is acting and when: resolved once at the CLI edge and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

# progress(stage, done, total): a long use case reports how far it is; total may be 0.
Progress = Callable[[str, int, int], None]


def no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True, kw_only=True)
class Actor:
    """The user a change is audited under, and the moment (UTC, aware) it happens."""

    user: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()
