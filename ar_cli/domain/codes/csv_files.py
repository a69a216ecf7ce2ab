"""Reading the small CSV files of code knowledge: the treatment table and code lists.

Both the files shipped in ar_cli/data and the files a practice loads go through here,
so they share one dialect: a header row (names matched without regard to case or
surrounding spaces), a UTF-8 byte-order mark tolerated (Excel writes one), blank rows
skipped, and rows whose first cell starts with '#' kept as comments. Comments let the
shipped treatment table say *why* a code is treated the way it is, next to the row.

Each data row comes back with the line it started on, so every problem can name
file, line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from ar_cli.domain.errors import InputProblems, Problem


@dataclass(frozen=True, kw_only=True, slots=True)
class CsvRow:
    """One data row: the 1-based line it starts on and its cells by column name.

    Every declared column is present in `cells` (a short row reads as empty cells), and
    values are stripped of surrounding spaces.
    """

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def read_csv_rows(
    text: str,
    source: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    strict_columns: bool,
) -> tuple[list[CsvRow], list[Problem]]:
    """The data rows of `text`, and a problem for each row with more cells than columns
    (an unquoted comma in a text column: the text would be cut short in silence).

    required: columns that must be in the header. optional: columns that may be.
    strict_columns: when True, any other column is an error (a misspelt optional
    column would otherwise be ignored in silence); when False, other columns are
    ignored, so a list exported with extra columns still loads.
    Raises InputProblems when the header is missing or wrong.
    """
    rows: list[CsvRow] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header: list[str] | None = None
    last_line = 0
    for cells in reader:
        first_line = last_line + 1
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            _check_header(header, source, first_line, required, optional, strict_columns)
            continue
        if any(cell.strip() for cell in cells[len(header) :]):
            problems.append(
                Problem(
                    source=source,
                    location=f"line {first_line}",
                    message=f"has {len(cells)} cells but the header has {len(header)} columns; "
                    "put text that contains a comma in double quotes",
                )
            )
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name}
        rows.append(CsvRow(line=first_line, cells=values))
    if header is None:
        raise InputProblems([Problem(source=source, message=f"has no header row; expected {', '.join(required)}")])
    return rows, problems


def _check_header(
    header: list[str],
    source: str,
    line: int,
    required: Sequence[str],
    optional: Sequence[str],
    strict_columns: bool,
) -> None:
    problems: list[Problem] = []
    where = f"line {line}"
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(Problem(source=source, location=where, message=f"missing column(s) {', '.join(missing)}"))
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(source=source, location=where, message=f"column {name} appears twice"))
        seen.add(name)
    if strict_columns:
        known = set(required) | set(optional)
        for name in header:
            if name and name not in known:
                problems.append(
                    Problem(
                        source=source,
                        location=where,
                        message=f"unknown column {name!r}; expected {', '.join([*required, *optional])}",
                    )
                )
    if problems:
        raise InputProblems(problems)


def raise_if_problems(problems: list[Problem], limit: int = 20) -> None:
    """Raise InputProblems with the problems in line order, the first `limit` in full."""
    if not problems:
        return
    ordered = sorted(problems, key=_line_number)
    raise InputProblems(ordered[:limit], more=max(0, len(ordered) - limit))


def _line_number(problem: Problem) -> int:
    digits = problem.location.removeprefix("line ")
    return int(digits) if digits.isdigit() else 0
