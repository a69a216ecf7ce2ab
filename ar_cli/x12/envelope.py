"""The X12 envelope around transactions: interchanges (ISA..IEA) and functional groups
(GS..GE), and the control checks between them: IEA01 = number of groups, IEA02 =
ISA13, GE01 = number of transactions, GE02 = GS06. Faults are warnings (Problem
values), never errors: the envelope carries no money, and test data breaks it often.
"""

from __future__ import annotations

from ar_cli.domain.errors import Problem
from ar_cli.x12.errors import problem


def shown(text: str) -> str:
    """A control number or code quoted for a message, when it looks like one."""
    if not text:
        return "''"
    if len(text) <= 20 and text.isascii() and text.replace(" ", "").isalnum():
        return repr(text)
    return "(unreadable)"


def _element(elements: list[str], index: int) -> str:
    return elements[index] if index < len(elements) else ""


class Envelope:
    """Where we are in ISA/GS, with the counts the closing segments must match."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.interchange_at = 0  # segment number of the open ISA, 0 when none
        self.interchange_control = ""
        self.groups = 0
        self.group_at = 0  # segment number of the open GS, 0 when none
        self.group_control = ""
        self.version = ""  # GS08 of the open group
        self.transactions = 0

    def _fault(self, segment: int, element: str, message: str) -> Problem:
        return problem(self.source, segment, element, message)

    def interchange(self, elements: list[str], segment: int) -> list[Problem]:
        faults = self.finish(segment)
        self.interchange_at = segment
        self.interchange_control = _element(elements, 13)
        self.groups = 0
        return faults

    def group(self, elements: list[str], segment: int) -> list[Problem]:
        faults = self._close_group(segment)
        self.group_at = segment
        self.group_control = _element(elements, 6)
        self.version = _element(elements, 8)
        self.groups += 1
        self.transactions = 0
        return faults

    def transaction(self, segment: int) -> list[Problem]:
        self.transactions += 1
        if self.interchange_at and not self.group_at:
            return [self._fault(segment, "ST", "transaction outside a functional group (no GS before it)")]
        return []

    def group_end(self, elements: list[str], segment: int) -> list[Problem]:
        if not self.group_at:
            return [self._fault(segment, "GE", "no functional group (GS) to close")]
        faults = []
        said = _element(elements, 1)
        if not (said.isdigit() and int(said) == self.transactions):
            message = f"says {shown(said)} transactions, the group has {self.transactions}"
            faults.append(self._fault(segment, "GE01", message))
        if _element(elements, 2) != self.group_control:
            faults.append(
                self._fault(
                    segment,
                    "GE02",
                    f"control number {shown(_element(elements, 2))} differs from GS06 {shown(self.group_control)}",
                )
            )
        self.group_at = 0
        self.version = ""
        return faults

    def interchange_end(self, elements: list[str], segment: int) -> list[Problem]:
        if not self.interchange_at:
            return [self._fault(segment, "IEA", "no interchange (ISA) to close")]
        faults = self._close_group(segment)
        said = _element(elements, 1)
        if not (said.isdigit() and int(said) == self.groups):
            message = f"says {shown(said)} groups, the interchange has {self.groups}"
            faults.append(self._fault(segment, "IEA01", message))
        if _element(elements, 2) != self.interchange_control:
            faults.append(
                self._fault(
                    segment,
                    "IEA02",
                    f"control number {shown(_element(elements, 2))} differs from ISA13 "
                    f"{shown(self.interchange_control)}",
                )
            )
        self.interchange_at = 0
        return faults

    def finish(self, segment: int) -> list[Problem]:
        """Faults for a group or interchange still open at `segment` (a new ISA, or the
        last segment of the file)."""
        faults = self._close_group(segment)
        if self.interchange_at:
            faults.append(
                self._fault(
                    segment,
                    "IEA",
                    f"interchange {shown(self.interchange_control)} (segment {self.interchange_at}) has no IEA",
                )
            )
            self.interchange_at = 0
        return faults

    def _close_group(self, segment: int) -> list[Problem]:
        if not self.group_at:
            return []
        fault = self._fault(segment, "GE", f"group {shown(self.group_control)} (segment {self.group_at}) has no GE")
        self.group_at = 0
        self.version = ""
        return [fault]
