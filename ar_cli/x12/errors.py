"""The one error the X12 readers raise: X12Error, a bad-input error whose text is a
single line naming the file, the segment number and the element.

Messages never quote values from inside a claim (names, member ids, dates of service
are PHI); at most they quote codes, counts, control numbers and amounts made only of
digits and signs.
"""

from __future__ import annotations

from ar_cli.domain.errors import InputError, Problem


class X12Error(InputError):
    """An X12 file that cannot be read safely: `FILE: segment N: ELEMENT: what`."""

    def __init__(self, source: str, segment: int | None, element: str, message: str) -> None:
        self.problem = Problem(
            source=source,
            location=f"segment {segment}" if segment is not None else "",
            field=element,
            message=message,
        )
        super().__init__(str(self.problem))


def problem(source: str, segment: int, element: str, message: str) -> Problem:
    """A warning in the same shape as an X12Error's text."""
    return Problem(source=source, location=f"segment {segment}", field=element, message=message)
