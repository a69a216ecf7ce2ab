"""Adjustment code knowledge: the one treatment table and the code book, together.

This is the module the rest of ar-cli imports. Posting asks `lookup` what to do with an
adjustment; denial tracking asks the same table for the category and next action;
`ar-cli codes show` asks `explain`. The pieces live in:

- treatments.py: Treatment, DenialCategory, TreatmentRule, effective_treatment;
- treatment_table.py: TreatmentTable, its lookup order and its CSV format;
- code_book.py: CodeBook, Explanation, CodeSet and the code list CSV format.

Pure: nothing here opens a file or reads the clock. The caller hands in a function that
reads the shipped data files by name (ar_cli.data.read_data_text in the application, a
dictionary in a test), and the text of any file a user names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ar_cli.domain.codes.book import CodeBook, CodeSet, Explanation
from ar_cli.domain.codes.treatment_table import TreatmentTable
from ar_cli.domain.codes.treatments import (
    ORIGIN_FALLBACK,
    DenialCategory,
    Treatment,
    TreatmentRule,
    effective_treatment,
)
from ar_cli.domain.errors import ArError, Problem

#: The shipped code lists, each holding one code set (files in ar_cli/data).
BUILTIN_CODE_LISTS: tuple[tuple[str, CodeSet], ...] = (
    ("carc.csv", CodeSet.CARC),
    ("rarc.csv", CodeSet.RARC),
    ("group_codes.csv", CodeSet.GROUP),
    ("claim_statuses.csv", CodeSet.CLAIM_STATUS),
)
#: The shipped treatment table.
BUILTIN_TABLE = "treatments.csv"
#: The origin named on rules from the shipped table.
BUILTIN_ORIGIN = "built-in treatments.csv"


@dataclass(frozen=True, kw_only=True, slots=True)
class CodeKnowledge:
    """The treatment table and the code book in use (built-in, plus what was loaded)."""

    table: TreatmentTable
    book: CodeBook

    def lookup(self, group: str, carc: str, rarcs: Sequence[str] = ()) -> TreatmentRule:
        """The table's rule for one adjustment (TreatmentTable.lookup)."""
        return self.table.lookup(group, carc, rarcs)

    def explain(self, code: str, code_set: CodeSet | None = None) -> Explanation | None:
        """The book's explanation of a code, or None to show it raw (CodeBook.explain)."""
        return self.book.explain(code, code_set)

    def with_table_override(self, text: str, source_name: str) -> tuple[CodeKnowledge, list[Problem]]:
        """This knowledge with a user's treatment table laid over the table in use.

        Raises InputProblems when the file does not parse (nothing changes then);
        returns warnings for rows naming codes the book does not know.
        """
        override, warnings = TreatmentTable.from_csv_text(text, source_name, code_book=self.book)
        return CodeKnowledge(table=self.table.merged(override), book=self.book), warnings

    def with_code_list(self, text: str, source_name: str, *, code_set: CodeSet | None = None) -> CodeKnowledge:
        """This knowledge with a loaded code list (`ar-cli codes load`) over the book.

        code_set: the set of every row when the file has no code_set column.
        Raises InputProblems when the file does not parse.
        """
        loaded = CodeBook.from_csv_text(text, source_name, code_set=code_set)
        return CodeKnowledge(table=self.table, book=self.book.merged(loaded))


def load_builtin(read_data_text: Callable[[str], str]) -> CodeKnowledge:
    """The knowledge shipped with ar-cli, from its data files read by `read_data_text`.

    A shipped file that does not parse is a bug in ar-cli, not bad input, so it is
    raised as ArError (exit code 70) with the problems attached.
    """
    try:
        book = CodeBook()
        for name, code_set in BUILTIN_CODE_LISTS:
            book = book.merged(CodeBook.from_csv_text(read_data_text(name), name, code_set=code_set, ours=True))
        table, _warnings = TreatmentTable.from_csv_text(read_data_text(BUILTIN_TABLE), BUILTIN_ORIGIN, code_book=book)
    except ArError as problem:
        # Tests keep the shipped files clean; warnings about them are tested, not shown.
        raise ArError(f"ar-cli's own data files do not parse: {problem}") from problem
    return CodeKnowledge(table=table, book=book)


__all__ = [
    "BUILTIN_CODE_LISTS",
    "BUILTIN_ORIGIN",
    "BUILTIN_TABLE",
    "ORIGIN_FALLBACK",
    "CodeBook",
    "CodeKnowledge",
    "CodeSet",
    "DenialCategory",
    "Explanation",
    "Treatment",
    "TreatmentRule",
    "TreatmentTable",
    "effective_treatment",
    "load_builtin",
]
