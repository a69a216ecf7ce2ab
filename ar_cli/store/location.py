"""Which database a command uses: `--db`, else `AR_DB`, else the user's data directory.

A value containing '://' is a SQLAlchemy URL (PostgreSQL: `postgresql+psycopg://…`);
anything else is a path to a SQLite ledger file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ar_cli.domain.errors import ConfigError

DEFAULT_FILE_NAME = "ledger.sqlite"


@dataclass(frozen=True, kw_only=True)
class LedgerLocation:
    url: str
    sqlite_path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.sqlite_path is not None

    def describe(self) -> str:
        """Where the ledger is, with any password hidden."""
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)


def default_ledger_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("ar-cli", appauthor=False) / DEFAULT_FILE_NAME


def resolve_location(db: str | None) -> LedgerLocation:
    """`db` (from --db), else AR_DB, else the default file. An empty value is refused: an
    unset variable in a cron line (`--db "$LEDGER"`) must not mean the default ledger."""
    if db is not None and not db.strip():
        raise ConfigError("--db: empty; give a ledger file path or a postgresql+psycopg:// URL")
    env = os.environ.get("AR_DB")
    if db is None and env is not None and not env.strip():
        raise ConfigError(
            "AR_DB: set but empty; give a ledger file path or a postgresql+psycopg:// URL, "
            "or unset it for the default ledger"
        )
    value = db or env or ""
    if not value:
        return LedgerLocation(url=_sqlite_url(default_ledger_path()), sqlite_path=default_ledger_path())
    if "://" in value:
        if value.startswith("sqlite"):
            path = Path(value.split(":///", 1)[-1])
            return LedgerLocation(url=_sqlite_url(path), sqlite_path=path.expanduser().absolute())
        if value.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        if not value.startswith("postgresql+psycopg://"):
            raise ConfigError(
                f"--db: unsupported database URL scheme {value.split('://')[0]!r}; "
                "use a file path or postgresql+psycopg://"
            )
        return LedgerLocation(url=value, sqlite_path=None)
    path = Path(value).expanduser().absolute()
    return LedgerLocation(url=_sqlite_url(path), sqlite_path=path)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
