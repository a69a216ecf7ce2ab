"""Code knowledge in use: the built-in book and treatment table plus what a practice
loaded into the ledger; loading official code lists and a treatment-table override;
answering "what does this code mean, and what will posting do with it".

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

Posting calls `load_code_knowledge` once per run and asks the result for every
adjustment; `era show` and `codes show` ask the same object, so what they show is what
posting does.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from ar_cli.data import read_data_text
from ar_cli.domain.codes.adjustments import CodeKnowledge, load_builtin
from ar_cli.domain.codes.book import (
    GROUP_CODES,
    LEGACY_GROUP,
    CodeBook,
    CodeSet,
    Explanation,
    looks_like,
    normalize_carc,
    normalize_group,
)
from ar_cli.domain.codes.treatment_table import ALL_GROUPS, TreatmentTable
from ar_cli.domain.codes.treatments import TreatmentRule
from ar_cli.domain.errors import InputError, Problem
from ar_cli.services.context import Actor
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.tables import SettingRow

LIST_KEY_PREFIX = "codes.list."
OVERRIDE_KEY = "treatments.override"
#: How a code no loaded list knows is described, wherever it is shown.
NOT_LOADED = "not in the loaded code lists"
_SOURCE_LINE = re.compile(r"# source: (.*)")
_GROUP_AND_CODE = re.compile(r"(CO|OA|PI|PR|CR)-?([A-Z0-9]+)")


@lru_cache(maxsize=1)
def builtin_knowledge() -> CodeKnowledge:
    """The shipped knowledge, parsed once per process (it never changes while running)."""
    return load_builtin(read_data_text)


def load_code_knowledge(session: Session) -> CodeKnowledge:
    """Built-in knowledge, then the code lists loaded into the ledger, then its override.

    An override that no longer parses (set by hand with `config set`) raises
    InputProblems naming `treatments.override`, line and column: posting must not guess.
    """
    stored = _stored(session)
    knowledge = _with_lists(stored)
    if stored.get(OVERRIDE_KEY, "").strip():
        knowledge, _warnings = knowledge.with_table_override(stored[OVERRIDE_KEY], OVERRIDE_KEY)
    return knowledge


def _stored(session: Session) -> dict[str, str]:
    """The settings rows that hold loaded code knowledge."""
    return dict(session.execute(
        select(SettingRow.key, SettingRow.value).where(
            (SettingRow.key.like(LIST_KEY_PREFIX + "%")) | (SettingRow.key == OVERRIDE_KEY))
    ).all())


def _with_lists(stored: dict[str, str]) -> CodeKnowledge:
    """Built-in knowledge with the loaded code lists, without the override."""
    knowledge = builtin_knowledge()
    for key in sorted(k for k in stored if k.startswith(LIST_KEY_PREFIX)):
        found = _SOURCE_LINE.match(stored[key])
        knowledge = knowledge.with_code_list(stored[key], found.group(1) if found else key)
    return knowledge


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


def read_input_text(path: Path) -> str:
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
    text = read_input_text(path)
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
        session.flush()
        rec.finish(action="codes.load", entity="setting",
                   entity_key=",".join(LIST_KEY_PREFIX + s.value for s in values), source=path.name,
                   details={"file": path.name, "sha256": _sha256(text),
                            "codes": {s.value: len(book.codes(s)) for s in values}})
    return CodeListsLoaded(file=path.name, counts={s: len(book.codes(s)) for s in values},
                           replaced=tuple(replaced))


def load_treatment_override(ledger: Ledger, path: Path, *, actor: Actor) -> TreatmentsLoaded:
    """Store `path` as the treatment-table override, replacing any earlier one.

    Raises InputProblems when the file does not parse (nothing changes). A row naming a
    code the loaded lists do not know is stored anyway and comes back as a warning: the
    lists change three times a year and may lag the payers.
    """
    text = read_input_text(path)
    with ledger.write() as session:
        # The lists only: a broken override in the ledger must not block loading its fix.
        book = _with_lists(_stored(session)).book
        table, warnings = TreatmentTable.from_csv_text(text, path.name, code_book=book)
        if len(table) == 0:
            raise InputError(f"{path.name}: has no rows; to remove the override run "
                             f"`ar-cli config set {OVERRIDE_KEY} ''`")
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        replaced = _put_setting(session, rec, OVERRIDE_KEY, text, actor)
        session.flush()
        rec.finish(action="codes.treatments", entity="setting", entity_key=OVERRIDE_KEY, source=path.name,
                   details={"file": path.name, "sha256": _sha256(text), "rules": len(table),
                            "warnings": len(warnings)})
    return TreatmentsLoaded(file=path.name, rules=len(table), replaced=replaced, warnings=warnings)


def _put_setting(session: Session, rec: ChangeRecorder, key: str, value: str, actor: Actor) -> bool:
    """Insert or replace one setting row through the recorder; True when it replaced one."""
    row = session.get(SettingRow, key)
    old = row.value if row is not None else ""
    if row is None:
        row = SettingRow(key=key, value=value, updated_at=actor.now, updated_by=actor.user)
    else:
        row.value, row.updated_at, row.updated_by = value, actor.now, actor.user
    session.add(row)
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
        writer.writerow([code_set.value, entry.code, entry.official,
                         entry.start_date.isoformat() if entry.start_date else "",
                         entry.stop_date.isoformat() if entry.stop_date else ""])
    return buffer.getvalue()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- explaining ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CodeAnswer:
    """One reading of a code as the user typed it.

    asked: the text as typed. code_set: the list it belongs to (None: no code has that
    shape). code: normalized ('45'); for an unknown shape, the text upper-cased.
    explanation: the book's entry, None when not in the loaded lists.
    group / group_explanation: the group typed with a CARC ('CO' in 'CO-45'), or ''.
    treatments: what the table does with it — for a CARC with a group, that group's
    rule; for a CARC alone, one rule per group (CO, OA, PI, PR); else none.
    remarks: the remark codes given alongside, used by the table lookup.
    """

    asked: str
    code_set: CodeSet | None
    code: str
    explanation: Explanation | None
    group: str = ""
    group_explanation: Explanation | None = None
    treatments: tuple[TreatmentRule, ...] = ()
    remarks: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.explanation is not None


def explain_codes(knowledge: CodeKnowledge, codes: Sequence[str], *,
                  code_set: CodeSet | None = None) -> list[CodeAnswer]:
    """Every reading of each code. Remark codes among `codes` are given to the
    treatment lookup of every reason code among them ('CO-16 MA130'), as a remittance
    sends them together. A code no list knows is an answer with no explanation."""
    remarks = tuple(_squash(c) for c in codes if _shape(_squash(c))[0] is CodeSet.RARC)
    answers: list[CodeAnswer] = []
    for asked in codes:
        raw = _squash(asked)
        shape, group, code = _shape(raw) if code_set is None else (code_set, *_split(raw, code_set))
        explanation = knowledge.explain(raw, shape) if shape is not None else None
        if shape is CodeSet.CARC:
            groups = (group,) if group else ALL_GROUPS
            answers.append(CodeAnswer(
                asked=asked.strip(), code_set=shape, code=code, explanation=explanation, group=group,
                group_explanation=knowledge.explain(group, CodeSet.GROUP) if group else None,
                treatments=tuple(knowledge.lookup(g, code, remarks) for g in groups), remarks=remarks))
        else:
            answers.append(CodeAnswer(asked=asked.strip(), code_set=shape, code=code, explanation=explanation))
        # Claim statuses share the digits of CARCs: '4' is both, so show both readings.
        if code_set is None and shape is CodeSet.CARC and not group and raw.isdigit():
            status = knowledge.explain(raw, CodeSet.CLAIM_STATUS)
            if status is not None:
                answers.append(CodeAnswer(asked=asked.strip(), code_set=CodeSet.CLAIM_STATUS,
                                          code=status.code, explanation=status))
    return answers


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _shape(raw: str) -> tuple[CodeSet | None, str, str]:
    """(code set, group, code) as the shape of `raw` says; (None, '', raw) for no shape."""
    if raw in GROUP_CODES or raw == LEGACY_GROUP:
        return CodeSet.GROUP, "", raw
    if looks_like(CodeSet.RARC, raw):
        return CodeSet.RARC, "", raw
    group, code = _split(raw, CodeSet.CARC)
    if looks_like(CodeSet.CARC, code):
        return CodeSet.CARC, group, code
    return None, "", raw


def _split(raw: str, code_set: CodeSet) -> tuple[str, str]:
    """(group, code) for a CARC typed with or without its group; ('', code) otherwise."""
    if code_set is CodeSet.CARC:
        found = _GROUP_AND_CODE.fullmatch(raw)
        if found is not None:
            return normalize_group(found.group(1)), normalize_carc(found.group(2))
        return "", normalize_carc(raw)
    if code_set is CodeSet.CLAIM_STATUS:
        return "", normalize_carc(raw)
    return "", raw


def remarks_for_adjustment(claim_remarks: Sequence[str], line_remarks: Sequence[str] = ()) -> tuple[str, ...]:
    """The remark codes the treatment lookup sees for one adjustment: the line's own
    (LQ) first, then the claim's (MOA/MIA), because a payer often sends MA130 at claim
    level with CO-16 on the lines. Posting and `era show` both use this order."""
    return (*line_remarks, *(r for r in claim_remarks if r not in line_remarks))
