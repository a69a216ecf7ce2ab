"""The treatment table: (group, CARC, optional RARC) → treatment, category, next action.

Posting and denial tracking both read this one table, so a code is never treated two
ways. The package ships one (ar_cli/data/treatments.csv); a practice may override rows
with its own file, and `merged` puts the two together.

How `TreatmentTable.lookup` decides, most specific first:

1. a row for the group, the CARC and one of the RARCs sent with it — RARCs are tried in
   the order given (the order on the remittance) and the first with a row wins;
2. a row for the group and the CARC;
3. the fallback by group: PR → patient; CO, OA, PI and anything else → a denial in
   category 'other', because money left open is seen by a person and money written off
   is not. CR (4010) is read as CO.

There is no separate "any group" tier. In a file the group column may list several
groups ('CO OA PI') or '*' (all four), and the row becomes one row per group when the
file is read. So a code whose meaning is the payer's side (a denial under CO, OA or PI)
cannot sweep PR into it by accident: PR keeps its fallback unless a row names it.

Table CSV format (one header row; blank rows and rows starting with '#' are skipped):

    group        CO, OA, PI or PR; several separated by spaces; or '*' for all four
    carc         the reason code: 45, B7, P23
    rarc         optional remark code (MA130); empty means the row applies to any
    treatment    contractual | patient | denial | pending | informational
    category     denial rows only; empty means 'other' (see DenialCategory)
    next_action  optional; empty means the category's own text (or the treatment's)
    note         optional; why the row is what it is

Any other column is an error: a misspelt 'catgory' would otherwise be lost in silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from ar_cli.domain.codes.book import (
    GROUP_CODES,
    LEGACY_GROUP,
    CodeBook,
    CodeSet,
    code_sort_key,
    looks_like,
    normalize_carc,
    normalize_group,
    normalize_rarc,
)
from ar_cli.domain.codes.csv_files import CsvRow, raise_if_problems, read_csv_rows
from ar_cli.domain.codes.treatments import DenialCategory, Treatment, TreatmentRule, fallback_rule
from ar_cli.domain.errors import Problem

ALL_GROUPS = ("CO", "OA", "PI", "PR")

_Key = tuple[str, str, str | None]


class TreatmentTable:
    """The rows by (group, carc, rarc). Immutable; `merged` makes a new table."""

    __slots__ = ("_memo", "_rules")

    def __init__(self, rules: Iterable[TreatmentRule] = ()) -> None:
        self._rules: dict[_Key, TreatmentRule] = {(r.group, r.carc, r.rarc): r for r in rules}
        # Posting asks the same few hundred questions a hundred thousand times per file;
        # the table never changes, so an answer can be kept.
        self._memo: dict[tuple[str, str, tuple[str, ...]], TreatmentRule] = {}

    def __len__(self) -> int:
        return len(self._rules)

    def rules(self) -> list[TreatmentRule]:
        """Every row, by CARC, then group, then RARC (the row without a RARC first)."""
        return sorted(
            self._rules.values(),
            key=lambda r: (code_sort_key(r.carc), r.group, r.rarc is not None, r.rarc or ""),
        )

    def carcs(self) -> set[str]:
        """The reason codes that have at least one row."""
        return {carc for _, carc, _ in self._rules}

    def lookup(self, group: str, carc: str, rarcs: Sequence[str] = ()) -> TreatmentRule:
        """The rule for one adjustment; always one (the order is in the module docstring)."""
        memo_key = (group, carc, tuple(rarcs))
        found = self._memo.get(memo_key)
        if found is None:
            found = self._find(normalize_group(group), normalize_carc(carc), rarcs)
            self._memo[memo_key] = found
        return found

    def _find(self, group: str, carc: str, rarcs: Sequence[str]) -> TreatmentRule:
        for rarc in rarcs:
            rule = self._rules.get((group, carc, normalize_rarc(rarc)))
            if rule is not None:
                return rule
        rule = self._rules.get((group, carc, None))
        if rule is not None:
            return rule
        return fallback_rule(group, carc)

    def merged(self, override: TreatmentTable) -> TreatmentTable:
        """A new table in which each override row replaces the row with the same group,
        CARC and RARC. A base row with a RARC stays unless the override names that RARC
        too: it is more specific than an override row without one."""
        return TreatmentTable([*self._rules.values(), *override._rules.values()])

    @classmethod
    def from_csv_text(
        cls, text: str, source_name: str, *, code_book: CodeBook | None = None
    ) -> tuple[TreatmentTable, list[Problem]]:
        """Parse a table file (format in the module docstring).

        Raises InputProblems, one line per problem naming file, line and column, when any
        row does not parse; nothing is loaded then. Otherwise returns the table and its
        warnings: a row naming a CARC or RARC that `code_book` does not know, or knows
        with a stop date, is loaded anyway (the lists change three times a year) and
        gets a warning. Without a code book there are no warnings.
        """
        rows, problems = read_csv_rows(
            text,
            source_name,
            required=["group", "carc", "treatment"],
            optional=["rarc", "category", "next_action", "note"],
            strict_columns=True,
        )
        rules: list[TreatmentRule] = []
        warnings: list[Problem] = []
        first_line: dict[_Key, int] = {}
        for row in rows:
            row_rules, row_problems = _parse_row(row, source_name)
            for rule in row_rules:
                key = (rule.group, rule.carc, rule.rarc)
                if key in first_line:
                    row_problems.append(
                        _problem(
                            source_name,
                            row,
                            "group",
                            (
                                f"{rule.group}-{rule.carc} with "
                                + (f"RARC {rule.rarc}" if rule.rarc else "no RARC")
                                + f" is already on line {first_line[key]}"
                            ),
                        )
                    )
                else:
                    first_line[key] = row.line
            problems.extend(row_problems)
            if not row_problems:
                rules.extend(row_rules)
                if code_book is not None and row_rules:
                    warnings.extend(_unknown_codes(row, source_name, row_rules[0], code_book))
        raise_if_problems(problems)
        return cls(rules), warnings


def _problem(source: str, row: CsvRow, column: str, message: str) -> Problem:
    return Problem(source=source, location=f"line {row.line}", field=column, message=message)


def _choices(enum: Iterable[str]) -> str:
    return ", ".join(str(v) for v in enum)


def _parse_row(row: CsvRow, source: str) -> tuple[list[TreatmentRule], list[Problem]]:
    """The rules one row stands for (one per group), or every problem with the row."""
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(_problem(source, row, column, message))

    groups = list(_parse_groups(row.get("group"), bad))
    carc = normalize_carc(row.get("carc"))
    if not carc:
        bad("carc", "is empty")
    elif not looks_like(CodeSet.CARC, carc):
        bad("carc", f"{row.get('carc')!r} is not a reason code (like 45, B7 or P23)")
    rarc = normalize_rarc(row.get("rarc")) or None
    if rarc is not None and not looks_like(CodeSet.RARC, rarc):
        bad("rarc", f"{row.get('rarc')!r} is not a remark code (like M15, MA130 or N14)")
    treatment: Treatment | None = None
    try:
        treatment = Treatment(row.get("treatment").lower())
    except ValueError:
        shown = repr(row.get("treatment")) if row.get("treatment") else "empty"
        bad("treatment", f"{shown} is not a treatment; expected {_choices(Treatment)}")
    category: DenialCategory | None = None
    if row.get("category"):
        try:
            category = DenialCategory(re.sub(r"[\s\-/]+", "_", row.get("category").lower()))
        except ValueError:
            bad("category", f"{row.get('category')!r} is not a denial category; expected {_choices(DenialCategory)}")
    if treatment is not None and treatment is not Treatment.DENIAL and row.get("category"):
        bad("category", f"applies only to denial rows, and this row's treatment is {treatment}")
    if problems or treatment is None:
        return [], problems
    if treatment is Treatment.DENIAL and category is None:
        category = DenialCategory.OTHER
    next_action = row.get("next_action") or (category or treatment).next_action
    return [
        TreatmentRule(
            group=group,
            carc=carc,
            rarc=rarc,
            treatment=treatment,
            category=category,
            next_action=next_action,
            note=row.get("note"),
            origin=source,
        )
        for group in groups
    ], problems


def _parse_groups(text: str, bad: Callable[[str, str], None]) -> Iterator[str]:
    """The groups a group cell names, in order, each once; `bad` hears of any that is wrong."""
    cells = text.upper().replace("/", " ").split()
    if not cells:
        bad("group", "is empty; expected CO, OA, PI, PR, several of them, or *")
        return
    seen: set[str] = set()
    for cell in cells:
        names = ALL_GROUPS if cell == "*" else (cell,)
        for name in names:
            if name == LEGACY_GROUP:
                bad("group", "CR is read as CO everywhere; write the row for CO")
            elif name not in GROUP_CODES:
                bad("group", f"{cell!r} is not a group; expected CO, OA, PI, PR, several of them, or *")
            elif name not in seen:
                seen.add(name)
                yield name


def _unknown_codes(row: CsvRow, source: str, rule: TreatmentRule, book: CodeBook) -> Iterator[Problem]:
    """Warnings for codes the loaded lists do not know, or know to be deactivated."""
    for code_set, code, column, name in (
        (CodeSet.CARC, rule.carc, "carc", "CARC"),
        (CodeSet.RARC, rule.rarc, "rarc", "RARC"),
    ):
        if code is None:
            continue
        known = book.entry(code_set, code)
        if known is None:
            yield _problem(source, row, column, f"{name} {code} is not in the code lists; loaded anyway")
        elif known.stop_date is not None:
            yield _problem(
                source,
                row,
                column,
                f"{name} {code} has a stop date ({known.stop_date.isoformat()}); loaded anyway",
            )
