"""What each command does with the ledger, declared once on the command.

A mistyped `--db` or an unset `AR_DB` in cron must never read as "nothing to do":
a command that only reads, or that changes records already in the ledger, refuses a
ledger that is not there (one line, exit 2, nothing created). Only the commands that
bring data in may start a new ledger, and they say so once on stderr.

    @reads_ledger        reports, lists, queue, verify, exports, the nightly report
    @changes_ledger      works on what is already there (notes, appeals, hand payments,
                         closes, users, settings, …)
    @creates_ledger      brings data in (charge imports, ERA posting, loading code lists)
    @reads_ledger_if_any the ledger's code lists when there is a ledger, else the built-in ones
    @no_ledger           opens none through CliState (`db …` handle the database themselves)

The declaration is an attribute on the command's function (Typer copies it onto the
Click callback); `state(ctx)` reads it from the command of `ctx`, CliState.ledger()
opens the ledger as that command declares, and tests/cli/test_ledger_use.py walks every
command so none is left undeclared.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

F = TypeVar("F", bound=Callable)

ATTRIBUTE = "ar_ledger_use"


class LedgerUse(StrEnum):
    READS = "reads"
    CHANGES = "changes"
    CREATES = "creates"
    READS_IF_ANY = "reads if any"
    NONE = "none"

    @property
    def may_create(self) -> bool:
        return self is LedgerUse.CREATES


def _declare(use: LedgerUse) -> Callable[[F], F]:
    def mark(function: F) -> F:
        setattr(function, ATTRIBUTE, use)
        return function

    return mark


reads_ledger = _declare(LedgerUse.READS)
changes_ledger = _declare(LedgerUse.CHANGES)
creates_ledger = _declare(LedgerUse.CREATES)
reads_ledger_if_any = _declare(LedgerUse.READS_IF_ANY)
no_ledger = _declare(LedgerUse.NONE)


def declared_use(callback) -> LedgerUse | None:
    return getattr(callback, ATTRIBUTE, None)
