"""Schema versions: what this code expects, and running Alembic to get there.

The head revision is a constant (store/revisions.py) so that ordinary commands can check
the database without importing Alembic (it costs ~100 ms); a test keeps it equal to
Alembic's head.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from ar_cli.store.revisions import HEAD_REVISION, KNOWN_REVISIONS  # noqa: F401 (their one home)

# In an installed ar-cli the revisions are package data (pyproject.toml maps migrations/
# to ar_cli.migrations): Alembic's package-resource form of script_location.
PACKAGED_MIGRATIONS = "ar_cli:migrations"


def _checkout_migrations() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    # A source checkout: its pyproject beside it (site-packages may hold another project's
    # top-level migrations/).
    checkout = root / "migrations"
    return checkout if (checkout / "env.py").exists() and (root / "pyproject.toml").exists() else None


def migrations_dir() -> Path:
    """The Alembic script folder: top-level migrations/ in a checkout, packaged otherwise."""
    return _checkout_migrations() or Path(str(resources.files("ar_cli").joinpath("migrations")))


def script_location() -> str:
    """Alembic's script_location: the checkout's folder, else the package resource."""
    checkout = _checkout_migrations()
    return str(checkout) if checkout else PACKAGED_MIGRATIONS


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_blank(conn: Connection) -> bool:
    return not inspect(conn).get_table_names()


def upgrade(conn: Connection, target: str = "head") -> None:
    """Migrate inside the caller's connection (and so its transaction)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)
