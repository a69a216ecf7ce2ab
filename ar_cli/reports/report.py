"""A report is data: named columns with kinds, rows of plain values, optional totals.

Each output format (Rich table, CSV, JSON) is rendered from the same value by cli/render.
Money is integer cents here; renderers format it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TEXT = "text"
    ID = "id"  # claim and account numbers: text, never a number in a spreadsheet
    MONEY = "money"
    INT = "int"
    DATE = "date"
    PERCENT = "percent"  # a ratio 0..1


@dataclass(frozen=True, kw_only=True)
class Column:
    key: str
    title: str
    kind: Kind = Kind.TEXT
    phi: bool = False  # masked in every written file unless --include-phi


@dataclass(kw_only=True)
class Report:
    """`name` is the JSON list key ('claims'); `title` heads the table."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
