"""Code knowledge as the ledger holds it: the built-in book and treatment table plus
the code lists and the treatment-table override a practice loaded (settings rows
`codes.list.<set>` and `treatments.override`; services/codes.py loads them).

Posting calls `load_code_knowledge` once per run and asks the result for every
adjustment; `era show` and `codes show` ask the same object, so what they show is what
posting does.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlmodel import Session

from ar_cli.data import read_data_text
from ar_cli.domain.codes.adjustments import CodeKnowledge, load_builtin
from ar_cli.store.queries.settings import settings_like

LIST_KEY_PREFIX = "codes.list."
OVERRIDE_KEY = "treatments.override"
_SOURCE_LINE = re.compile(r"# source: (.*)")


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
    return settings_like(session, LIST_KEY_PREFIX, OVERRIDE_KEY)


def lists_knowledge(session: Session) -> CodeKnowledge:
    """Built-in knowledge with the code lists loaded into the ledger, without the
    override (a broken override must not block loading its fix)."""
    return _with_lists(_stored(session))


def _with_lists(stored: dict[str, str]) -> CodeKnowledge:
    """Built-in knowledge with the loaded code lists, without the override."""
    knowledge = builtin_knowledge()
    for key in sorted(k for k in stored if k.startswith(LIST_KEY_PREFIX)):
        found = _SOURCE_LINE.match(stored[key])
        knowledge = knowledge.with_code_list(stored[key], found.group(1) if found else key)
    return knowledge
