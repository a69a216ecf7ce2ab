"""Options every command shares, and the ledger they select (opened on first use)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import typer

from ar_cli.domain.errors import InputError


@dataclass
class CliState:
    db: str | None = None
    user: str | None = None
    debug: bool = False
    _ledger: object | None = field(default=None, repr=False)

    def ledger(self, *, migrate_new: bool = True):
        """The opened ledger (a new local SQLite file is created and migrated)."""
        if self._ledger is None:
            from ar_cli.store.database import Ledger
            from ar_cli.store.location import resolve_location

            self._ledger = Ledger(resolve_location(self.db)).open(migrate_new=migrate_new)
        return self._ledger

    def location(self):
        from ar_cli.store.location import resolve_location

        return resolve_location(self.db)

    def actor(self):
        from ar_cli.services.context import Actor

        return Actor(user=self.user_name(), now=datetime.now(UTC))

    def user_name(self) -> str:
        if self.user:
            return self.user
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER", "unknown")

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.dispose()
            self._ledger = None


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if obj is None:
        obj = ctx.find_root().obj = CliState()
    return obj


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def today() -> date:
    """The local calendar day: the one place the CLI reads the clock for dates."""
    return date.today()
