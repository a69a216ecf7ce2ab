"""Column helpers shared by every table, and the metadata naming convention.

Money columns are BIGINT: a plain SQLModel `int` is a 32-bit INTEGER on PostgreSQL,
and a practice's yearly charges in cents overflow it. Primary keys are BIGINT on
PostgreSQL but INTEGER on SQLite, where only `INTEGER PRIMARY KEY` is the rowid.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, MetaData
from sqlmodel import SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Set once, before any table class is defined, so constraint names are stable in
# migrations on both SQLite (batch mode needs names) and PostgreSQL.
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def id_column() -> Column:
    return Column(ID_TYPE, primary_key=True, autoincrement=True)


def cents_column(*, nullable: bool = False, default: int | None = None) -> Column:
    kwargs: dict[str, Any] = {} if default is None else {"server_default": str(default)}
    return Column(BigInteger, nullable=nullable, **kwargs)


def ref_column(target: str, *, nullable: bool = True, index: bool = True) -> Column:
    """A foreign key to `target` ('table.id') with the id type of the target."""
    return Column(ID_TYPE, ForeignKey(target), nullable=nullable, index=index)
