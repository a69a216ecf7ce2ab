"""Loading code knowledge into the ledger: official code lists and a treatment-table
override (`ar-cli codes load`, `ar-cli codes treatments`), each one audited transaction.

Where loaded knowledge lives (settings rows, so a team on one database shares it, and
no schema change was needed):

- `codes.list.<set>` (carc, rarc, group, claim_status): one official list per set, kept
  as our canonical CSV (code_set, code, description, start_date, stop_date) under a
  first comment line naming the file it came from. A new list of a set replaces the
  old one whole: official lists are published complete, so a code dropped from the new
  list must not linger with its old wording.
- `treatments.override`: the user's treatment table, kept verbatim, so
  `ar-cli config get treatments.override` gives back exactly the file that was loaded.
  It too is replaced whole by the next load.

Reading it back is store/queries/codes.py (`load_code_knowledge`); explaining a code
is domain/codes/explain.py. Both are re-exported here for their existing callers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ar_cli.domain.codes.book import CodeBook, CodeSet
from ar_cli.domain.codes.explain import NOT_LOADED, CodeAnswer, explain_codes, remarks_for_adjustment
from ar_cli.domain.codes.treatment_table import TreatmentTable
from ar_cli.domain.errors import InputError, Problem
from ar_cli.services.context import Actor
from ar_cli.store import Session
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.queries.codes import (
    LIST_KEY_PREFIX,
    OVERRIDE_KEY,
    builtin_knowledge,
    lists_knowledge,
    load_code_knowledge,
)
from ar_cli.store.queries.settings import put_setting

# Re-exported: the CLI, reports/era_eob.py and services/era ask here for them.
__all__ = [
    "LIST_KEY_PREFIX",
    "NOT_LOADED",
    "OVERRIDE_KEY",
    "CodeAnswer",
    "CodeListsLoaded",
    "TreatmentsLoaded",
    "builtin_knowledge",
    "explain_codes",
    "load_code_knowledge",
    "load_code_lists",
    "load_treatment_override",
    "remarks_for_adjustment",
]


# -- loading ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CodeListsLoaded:
    """What `codes load` stored: codes per set, and which sets replaced an earlier list."""

    file: str
    counts: dict[CodeSet, int]
    replaced: tuple[CodeSet, ...]


@dataclass(frozen=True, kw_only=True)
class TreatmentsLoaded:
    """What `codes treatments` stored: the number of rules (one per group a row names),
    whether an earlier override was replaced, and a warning per unknown or retired code."""

    file: str
    rules: int
    replaced: bool
    warnings: list[Problem] = field(default_factory=list)


def _read_input_text(path: Path) -> str:
    """A user's CSV file as text, with one-line errors (no traceback, no guessing)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Excel's plain "CSV" is cp1252; guessing could garble codes silently.
        raise InputError(f"{path.name}: line {line}: not UTF-8 text; save it as 'CSV UTF-8'") from None


def load_code_lists(ledger: Ledger, path: Path, *, code_set: CodeSet | None, actor: Actor) -> CodeListsLoaded:
    """Store the official list(s) in `path`, each replacing the loaded list of its set.

    Raises InputProblems (file, line, column) when any row does not parse; nothing is
    stored then. One audit event covers every set written.
    """
    text = _read_input_text(path)
    book = CodeBook.from_csv_text(text, path.name, code_set=code_set)
    if len(book) == 0:
        raise InputError(f"{path.name}: has no codes to load")
    values = {s: _canonical_list(book, s, path.name) for s in CodeSet if book.codes(s)}
    replaced: list[CodeSet] = []
    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        for code_set_, value in values.items():
            if _put_setting(session, rec, LIST_KEY_PREFIX + code_set_.value, value, actor):
                replaced.append(code_set_)
        rec.finish(
            action="codes.load",
            entity="setting",
            entity_key=",".join(LIST_KEY_PREFIX + s.value for s in values),
            source=path.name,
            details={
                "file": path.name,
                "sha256": _sha256(text),
                "codes": {s.value: len(book.codes(s)) for s in values},
            },
        )
    return CodeListsLoaded(file=path.name, counts={s: len(book.codes(s)) for s in values}, replaced=tuple(replaced))


def load_treatment_override(ledger: Ledger, path: Path, *, actor: Actor) -> TreatmentsLoaded:
    """Store `path` as the treatment-table override, replacing any earlier one.

    Raises InputProblems when the file does not parse (nothing changes). A row naming a
    code the loaded lists do not know is stored anyway and comes back as a warning: the
    lists change three times a year and may lag the payers.
    """
    text = _read_input_text(path)
    with ledger.write() as session:
        # The lists only: a broken override in the ledger must not block loading its fix.
        book = lists_knowledge(session).book
        table, warnings = TreatmentTable.from_csv_text(text, path.name, code_book=book)
        if len(table) == 0:
            raise InputError(
                f"{path.name}: has no rows; to remove the override run `ar-cli config set {OVERRIDE_KEY} ''`"
            )
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        replaced = _put_setting(session, rec, OVERRIDE_KEY, text, actor)
        rec.finish(
            action="codes.treatments",
            entity="setting",
            entity_key=OVERRIDE_KEY,
            source=path.name,
            details={"file": path.name, "sha256": _sha256(text), "rules": len(table), "warnings": len(warnings)},
        )
    return TreatmentsLoaded(file=path.name, rules=len(table), replaced=replaced, warnings=warnings)


def _put_setting(session: Session, rec: ChangeRecorder, key: str, value: str, actor: Actor) -> bool:
    """Insert or replace one setting row through the recorder; True when it replaced one."""
    old = put_setting(session, key, value, user=actor.user, now=actor.now) or ""
    rec.note_update("setting", key, {"value": [old, value]})
    return bool(old.strip())


def _canonical_list(book: CodeBook, code_set: CodeSet, source: str) -> str:
    """One set of a parsed list as our CSV: dates ISO, only the columns we read, and the
    source file on a comment line (comments are skipped by the list reader)."""
    buffer = io.StringIO()
    buffer.write(f"# source: {' '.join(source.split())}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code_set", "code", "description", "start_date", "stop_date"])
    for entry in book.codes(code_set):
        writer.writerow(
            [
                code_set.value,
                entry.code,
                entry.official,
                entry.start_date.isoformat() if entry.start_date else "",
                entry.stop_date.isoformat() if entry.stop_date else "",
            ]
        )
    return buffer.getvalue()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
