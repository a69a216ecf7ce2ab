"""Text cells that a spreadsheet would take for something else.

Formula injection: a cell whose text begins with `=`, `+`, `-`, `@`, a tab or a
carriage return may be run as a formula when the file is opened in Excel or
LibreOffice. Such a text cell gets a leading apostrophe, which the spreadsheet shows
as plain text (OWASP's advice). Numbers are never touched: they are written as
numbers, and a negative amount is not a formula.

Identifiers (claim and account numbers) must stay text: a CSV cell `00123` or
`1234567890123456` becomes a number (leading zeros and digits lost), `3-4` a date,
`1E5` 100000. Those are written as `="00123"`, which Excel reads as the text itself;
anything with a letter (`CLM100001`) is left as it is.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[\d\s.,:/+\-]*\d[\d\s.,:/+\-]*$|^\d+[eE][+\-]?\d+$")


def neutralise(text: str) -> str:
    """A text cell as it is safe to write: prefixed with an apostrophe when it would
    start a formula, unchanged otherwise."""
    if text and text.startswith(TRIGGERS):
        return "'" + text
    return text


def identifier_cell(text: str) -> str:
    """A claim or account number for a CSV cell: kept as text in a spreadsheet."""
    if text and _NUMBER_LIKE.match(text):
        return f'="{text}"'
    return neutralise(text)
