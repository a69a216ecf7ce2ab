"""The ledger's storage: opening it (database.py), its tables (tables/), the one way to
speak SQL (sql.py) and the questions asked in it (queries/, the repositories).

`Session` is the session type every layer annotates with (`from ar_cli.store import
Session`, under TYPE_CHECKING): only store/ imports SQLModel itself. It is resolved on
first use, so importing store/ costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session as Session

__all__ = ["Session"]


def __getattr__(name: str) -> Any:
    if name == "Session":
        from sqlmodel import Session

        return Session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
