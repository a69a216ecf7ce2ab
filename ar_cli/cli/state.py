"""Options every command shares, and the ledger they select (opened on first use)."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import typer

from ar_cli.domain.errors import InputError
from ar_cli.domain.field_limits import USER_NAME, date_out_of_range, too_long


@dataclass
class CliState:
    db: str | None = None
    user: str | None = None
    debug: bool = False
    _ledger: object | None = field(default=None, repr=False)
    use: object | None = None  # the running command's LedgerUse (set by `state(ctx)`)
    _empty: bool = field(default=False, repr=False)

    def ledger(self, *, say_empty: bool = True):
        """The opened ledger, as the running command declares its use (cli/ledger_use.py):
        only a command that brings data in may create one, and it says so once. A reader
        on an empty ledger notes so on stderr (say_empty=False: the command says it itself)."""
        if self._ledger is None:
            from ar_cli.cli.ledger_use import LedgerUse
            from ar_cli.domain.errors import ArError
            from ar_cli.store.database import Ledger

            use = self.use
            if use is None or use is LedgerUse.NONE:
                raise ArError("this command opens the ledger without declaring how it uses it (cli/ledger_use.py)")
            ledger = Ledger(self.location()).open(create=use.may_create)
            self._ledger = ledger
            if use is LedgerUse.READS and say_empty:
                from ar_cli.store.ledger_contents import is_empty

                with ledger.read() as session:
                    if is_empty(session):
                        self.say_empty()
        return self._ledger

    def say_empty(self) -> None:
        """An empty ledger's reports say so, rather than print zeros as an all-clear: one
        note on stderr when the command has succeeded (`close`)."""
        self._empty = True

    def location(self):
        from ar_cli.store.location import resolve_location

        return resolve_location(self.db)

    def actor(self):
        from ar_cli.services.context import Actor

        return Actor(user=self.user_name(), now=datetime.now(UTC))

    def user_name(self) -> str:
        if self.user:
            return limited(self.user, USER_NAME, "--user")
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER", "unknown")

    def close(self, *, failed: bool = False) -> None:
        """At the end of the run. A ledger the run created is said once when the run
        succeeded, and removed when it failed (a refused file leaves no new ledger)."""
        if self._empty and not failed:
            sys.stderr.write(
                f"note: the ledger at {self.location().describe()} is empty (no claims or remittances yet)\n"
            )
        self._empty = False
        if self._ledger is not None:
            if self._ledger.created:
                if failed:
                    self._ledger.remove_new()
                else:
                    sys.stderr.write(f"created a new ledger at {self._ledger.location.describe()}\n")
            self._ledger.dispose()
            self._ledger = None


def state(ctx: typer.Context) -> CliState:
    """The shared options, knowing how the command of `ctx` declared its use of the ledger."""
    from ar_cli.cli.ledger_use import declared_use

    obj = ctx.find_root().obj
    if obj is None:
        obj = ctx.find_root().obj = CliState()
    obj.use = declared_use(ctx.command.callback)
    return obj


def limited(text: str, limit: int, option: str) -> str:
    """An option value the ledger stores, refused when longer than its column
    (domain/field_limits.py; the message names the option, not the value)."""
    problem = too_long(text.strip(), limit)
    if problem:
        raise InputError(f"{option}: {problem}")
    return text


def parse_date(text: str | None, option: str) -> date | None:
    """Every date option goes through here (a test checks none is parsed elsewhere)."""
    if text is None:
        return None
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None
    problem = date_out_of_range(value)
    if problem:  # a typo for the year; near year 1 or 9999 date arithmetic overflows
        raise InputError(f"{option}: {value.isoformat()} {problem}; check the year")
    return value


def today() -> date:
    """The local calendar day: the one place the CLI reads the clock for dates."""
    return date.today()
