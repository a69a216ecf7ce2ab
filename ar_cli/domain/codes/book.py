"""The code book: what a remittance code means, for the person reading it.

It holds four code sets — claim adjustment reason codes (CARC), remittance advice
remark codes (RARC), adjustment group codes (CAS01) and claim status codes (CLP02) —
each entry with up to two texts:

- `plain`: our own short explanation, shipped in ar_cli/data (the official wording
  belongs to X12 for CARCs and to CMS for RARCs, so we do not ship it);
- `official`: the wording from a list the practice loaded with `ar-cli codes load`
  (it holds the licence for it).

The code lists change three times a year, so a code the book does not know is never an
error: `explain` returns None and the caller shows the code raw.

CSV format of a list to load (one header row; extra columns are ignored, so an export
with more columns loads as it is):

    code_set     carc | rarc | group | claim_status — may be left out when the caller
                 says which set the whole file holds
    code         the code as a payer sends it: 45, A1, P23, MA130, N14, CO, 19
    description  the text to show
    start_date   optional, YYYY-MM-DD (or MM/DD/YYYY, as Excel rewrites it)
    stop_date    optional, same format; a code with a stop date is deactivated from then
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from ar_cli.domain.codes.csv_files import CsvRow, raise_if_problems, read_csv_rows
from ar_cli.domain.errors import Problem


class CodeSet(StrEnum):
    """Which list a code belongs to."""

    CARC = "carc"
    RARC = "rarc"
    GROUP = "group"
    CLAIM_STATUS = "claim_status"


GROUP_CODES = frozenset({"CO", "OA", "PI", "PR"})
#: 4010's corrections-and-reversals group; a 5010 reader takes it as CO (DESIGN.md).
LEGACY_GROUP = "CR"

_CARC_SHAPE = re.compile(r"[A-Z]?[0-9]{1,3}")
_RARC_SHAPE = re.compile(r"(?:M|MA|N)[0-9]{1,4}")
_GROUP_PREFIX = re.compile(r"(CO|OA|PI|PR|CR)-?([A-Z0-9]+)")
_SHAPES = {
    CodeSet.CARC: _CARC_SHAPE,
    CodeSet.RARC: _RARC_SHAPE,
    CodeSet.GROUP: re.compile(r"CO|OA|PI|PR|CR"),
    CodeSet.CLAIM_STATUS: re.compile(r"[0-9]{1,2}"),
}


def normalize_group(text: str) -> str:
    """'co ' → 'CO'; 'CR' → 'CO' (4010 reversals). Anything else is kept upper-cased."""
    group = text.strip().upper()
    return "CO" if group == LEGACY_GROUP else group


def normalize_carc(text: str) -> str:
    """' 045' → '45', 'b7' → 'B7'. Leading zeros go because some payers pad the code."""
    code = text.strip().upper()
    if code.isascii() and code.isdigit():
        return str(int(code))
    return code


def normalize_rarc(text: str) -> str:
    """' ma130' → 'MA130'."""
    return text.strip().upper()


def looks_like(code_set: CodeSet, code: str) -> bool:
    """True when `code` (already normalized) has the shape of a code in that set."""
    return _SHAPES[code_set].fullmatch(code) is not None


def _normalize(code_set: CodeSet, code: str) -> str:
    if code_set is CodeSet.CARC:
        return normalize_carc(code)
    if code_set is CodeSet.CLAIM_STATUS:
        return normalize_carc(code)  # digits: '01' and '1' are the same status
    return code.strip().upper()


@dataclass(frozen=True, kw_only=True, slots=True)
class Explanation:
    """What one code means.

    code_set / code: the list and the code, normalized ('45', 'MA130', 'CO').
    plain: our short explanation ('' when we have none).
    official: the loaded list's wording ('' until a practice loads one).
    start_date / stop_date: when the code took effect / stopped (None when unknown).
    source: where `text` came from ('built-in', or the loaded list's file name).
    group: for a question like 'CO-45', the explanation of the group part.
    """

    code_set: CodeSet
    code: str
    plain: str = ""
    official: str = ""
    start_date: date | None = None
    stop_date: date | None = None
    source: str = ""
    group: Explanation | None = None

    @property
    def text(self) -> str:
        """The text to show first: the loaded official wording, else ours."""
        return self.official or self.plain

    @property
    def deactivated(self) -> bool:
        """The list gives a stop date (whether it has passed is for the caller's date)."""
        return self.stop_date is not None

    def active_on(self, day: date) -> bool:
        """In effect on `day` as far as the list knows."""
        if self.start_date is not None and day < self.start_date:
            return False
        return self.stop_date is None or day < self.stop_date


class CodeBook:
    """Explanations by code set and code. Immutable; `merged` makes a new one."""

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[tuple[CodeSet, str], Explanation] | None = None) -> None:
        self._entries = dict(entries or {})

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, code_set: CodeSet, code: str) -> Explanation | None:
        """The explanation of one code in one set, or None."""
        return self._entries.get((code_set, _normalize(code_set, code)))

    def knows(self, code_set: CodeSet, code: str) -> bool:
        return self.entry(code_set, code) is not None

    def codes(self, code_set: CodeSet) -> list[Explanation]:
        """Every entry of one set, in reading order: 1 … 302, then A0 … Y3; M1 … N725."""
        found = [e for (s, _), e in self._entries.items() if s is code_set]
        return sorted(found, key=lambda e: code_sort_key(e.code))

    def explain(self, code: str, code_set: CodeSet | None = None) -> Explanation | None:
        """Explain a code as a person types it: 'CO-45', 'co45', '45', 'MA130', 'N14', 'CO'.

        Without `code_set` the shape decides: a group code alone is a group; a group
        followed by a code is that CARC with the group's explanation attached; M, MA and
        N codes are RARCs; anything else is a CARC. Claim status codes ('4', '22') share
        their shape with CARCs, so they are found only with code_set=CLAIM_STATUS (or
        through `explain_all`). None when the code is not in the book.
        """
        raw = re.sub(r"\s+", "", code).upper()
        if code_set is not None:
            if code_set is CodeSet.CARC:
                return self._carc_with_group(raw)
            return self.entry(code_set, raw)
        if raw in GROUP_CODES or raw == LEGACY_GROUP:
            return self.entry(CodeSet.GROUP, raw)
        if _RARC_SHAPE.fullmatch(raw):
            return self.entry(CodeSet.RARC, raw)
        return self._carc_with_group(raw)

    def explain_all(self, code: str) -> list[Explanation]:
        """Every reading of `code`: `explain`'s, then a claim status of the same digits."""
        found = [e for e in (self.explain(code),) if e is not None]
        status = self.entry(CodeSet.CLAIM_STATUS, code.strip()) if code.strip().isdigit() else None
        if status is not None:
            found.append(status)
        return found

    def merged(self, override: CodeBook) -> CodeBook:
        """A new book: the override's entries win, but an entry keeps the other's text
        where the override has none (a loaded official list keeps our plain words)."""
        entries = dict(self._entries)
        for key, new in override._entries.items():
            old = entries.get(key)
            if old is not None:
                new = replace(new, plain=new.plain or old.plain, official=new.official or old.official)
            entries[key] = new
        return CodeBook(entries)

    @classmethod
    def from_csv_text(
        cls,
        text: str,
        source_name: str,
        *,
        code_set: CodeSet | None = None,
        ours: bool = False,
    ) -> CodeBook:
        """Parse a code list (format in the module docstring).

        code_set: the set of every row, for a file without a code_set column.
        ours: the descriptions are our plain explanations (the shipped files), not an
        official list's wording.
        Raises InputProblems naming file, line and column for each row that does not parse.
        """
        required = ["code", "description"] if code_set else ["code_set", "code", "description"]
        rows, problems = read_csv_rows(
            text,
            source_name,
            required=required,
            optional=["code_set", "start_date", "stop_date"],
            strict_columns=False,
        )
        entries: dict[tuple[CodeSet, str], Explanation] = {}
        first_line: dict[tuple[CodeSet, str], int] = {}
        for row in rows:
            parsed = _parse_list_row(row, source_name, code_set=code_set, ours=ours)
            if isinstance(parsed, Problem):
                problems.append(parsed)
                continue
            key = (parsed.code_set, parsed.code)
            if key in first_line:
                problems.append(
                    _row_problem(
                        source_name,
                        row,
                        "code",
                        f"{parsed.code_set.value} {parsed.code} is already on line {first_line[key]}",
                    )
                )
                continue
            first_line[key] = row.line
            entries[key] = parsed
        raise_if_problems(problems)
        return cls(entries)

    def _carc_with_group(self, raw: str) -> Explanation | None:
        # No CARC starts with two letters, so a leading group code is always a group.
        match = _GROUP_PREFIX.fullmatch(raw)
        group = self.entry(CodeSet.GROUP, match.group(1)) if match else None
        found = self.entry(CodeSet.CARC, match.group(2) if match else raw)
        if found is None:
            return None
        return replace(found, group=group) if group is not None else found


def _row_problem(source: str, row: CsvRow, column: str, message: str) -> Problem:
    return Problem(source=source, location=f"line {row.line}", field=column, message=message)


def _parse_list_row(row: CsvRow, source: str, *, code_set: CodeSet | None, ours: bool) -> Explanation | Problem:
    """One row of a code list, or the first problem with it."""
    row_set = code_set
    if row.get("code_set"):
        try:
            row_set = CodeSet(row.get("code_set").lower().replace("-", "_"))
        except ValueError:
            expected = ", ".join(s.value for s in CodeSet)
            return _row_problem(
                source, row, "code_set", f"{row.get('code_set')!r} is not a code set; expected {expected}"
            )
    if row_set is None:
        return _row_problem(source, row, "code_set", "is empty")
    code = _normalize(row_set, row.get("code"))
    if not looks_like(row_set, code):
        return _row_problem(source, row, "code", f"{row.get('code')!r} is not a {row_set.value} code")
    description = row.get("description")
    if not description:
        return _row_problem(source, row, "description", f"is empty for {row_set.value} {code}")
    dates: dict[str, date | None] = {}
    for column in ("start_date", "stop_date"):
        try:
            dates[column] = parse_list_date(row.get(column))
        except ValueError:
            return _row_problem(source, row, column, f"{row.get(column)!r} is not a date; expected YYYY-MM-DD")
    return Explanation(
        code_set=row_set,
        code=code,
        plain=description if ours else "",
        official="" if ours else description,
        start_date=dates["start_date"],
        stop_date=dates["stop_date"],
        source="built-in" if ours else source,
    )


def parse_list_date(text: str) -> date | None:
    """'' → None; '2015-11-01' or '11/1/2015' → a date; anything else → ValueError."""
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        return datetime.strptime(text, "%m/%d/%Y").date()
    return date.fromisoformat(text)


def code_sort_key(code: str) -> tuple[str, int, str]:
    """Letters first, then the number as a number: 'A1' < 'B7' < 'B10'; '4' < '45'."""
    match = re.fullmatch(r"([A-Z]*)([0-9]+)(.*)", code)
    if match is None:
        return (code, 0, "")
    return (match.group(1), int(match.group(2)), match.group(3))
