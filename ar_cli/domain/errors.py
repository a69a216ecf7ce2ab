"""One error hierarchy. The CLI catches ArError once and turns it into an exit code.

Messages are one line each, name the file/line/segment/element, and never carry PHI
(patient names, dates of birth, member ids).
"""

from __future__ import annotations

from dataclasses import dataclass


class ArError(Exception):
    """Base of every error ar-cli raises on purpose."""

    exit_code = 70


class InputError(ArError):
    """Bad usage or bad input: nothing was changed. Exit code 2."""

    exit_code = 2


class NotFoundError(InputError):
    """A claim, payer, user or record that the command names does not exist."""


class MoneyError(InputError):
    """An amount that is not exact cents."""


class ConfigError(InputError):
    """A setting or database URL that cannot be used."""


class LedgerBusyError(ArError):
    """Another writer held the ledger longer than the busy timeout. Exit code 75."""

    exit_code = 75


class ChainBrokenError(ArError):
    """The audit chain does not verify at its head (its last event is missing or
    changed, or events after it were removed): a write refuses to extend it, and
    nothing is written. Exit code 1, as `audit verify` finding a break: a person must
    look (`ar-cli audit verify`), it is not the input that is wrong."""

    exit_code = 1


class SchemaTooNewError(InputError):
    """The database was migrated by a newer ar-cli than this one."""


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong with an input, with where it is.

    source: the file name; location: 'line 12', 'segment 40'; field: column or element.
    """

    source: str
    location: str = ""
    field: str = ""
    message: str

    def __str__(self) -> str:
        parts = [self.source]
        if self.location:
            parts.append(self.location)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + f": {self.message}"


class InputProblems(InputError):
    """Several problems found in one input; each becomes its own line."""

    def __init__(self, problems: list[Problem], *, more: int = 0) -> None:
        self.problems = list(problems)
        self.more = more
        lines = [str(p) for p in self.problems]
        if more:
            lines.append(f"… and {more} more problems")
        super().__init__("\n".join(lines))
