"""Imports point one way (DESIGN.md): domain → x12 → store → services → reports → cli."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ar_cli"
ORDER = ["domain", "x12", "store", "services", "reports", "cli"]
# Besides its own layer and the ones above it, what a layer must never import.
FORBIDDEN_EVERYWHERE_BUT = {"pandas": {"reports", "cli"}, "rich": {"cli"}, "typer": {"cli"}}
DOMAIN_FORBIDDEN = {"sqlalchemy", "sqlmodel", "alembic", "psycopg", "rich", "typer", "pandas", "sqlite3"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _layer_files():
    for layer in ORDER:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            yield layer, path


@pytest.mark.parametrize("layer,path", list(_layer_files()), ids=lambda v: str(v).split("ar_cli/")[-1])
def test_imports_point_one_way(layer, path):
    allowed = set(ORDER[: ORDER.index(layer) + 1])
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "ar_cli" and len(parts) > 1 and parts[1] in ORDER:
            assert parts[1] in allowed, f"{path.name} ({layer}) imports {name}"
        top = parts[0]
        if layer == "domain":
            assert top not in DOMAIN_FORBIDDEN, f"domain module {path.name} imports {name}"
        if top in FORBIDDEN_EVERYWHERE_BUT:
            assert layer in FORBIDDEN_EVERYWHERE_BUT[top], f"{path.name} ({layer}) imports {name}"


# Only store/ speaks to the database (store/sql.py, store/queries/, the repositories): no
# other module imports a database library, also not for annotations (`from ar_cli.store
# import Session` under TYPE_CHECKING is the spelling). ar_cli/migrations may, being
# Alembic's. Issue #15 item 2.
DATABASE_LIBRARIES = {"sqlalchemy", "sqlmodel", "sqlite3"}
SPEAK_SQL = ("store/", "migrations/")
# Modules outside store/ allowed to import a database library: none since issue #15.
# An entry would need a reason on its line; test_the_allow_list_shrinks refuses a stale one.
DATABASE_IMPORTS_ALLOWED: set[str] = set()


def _database_imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imports(path)} & DATABASE_LIBRARIES


def _outside_store():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith(SPEAK_SQL):
            yield relative, path


@pytest.mark.parametrize("relative,path", list(_outside_store()), ids=lambda v: str(v).split("ar_cli/")[-1])
def test_only_store_speaks_to_the_database(relative, path):
    if relative in DATABASE_IMPORTS_ALLOWED:
        return
    found = _database_imports(path)
    assert not found, (
        f"{relative} imports {', '.join(sorted(found))}: put its SQL in "
        "ar_cli/store/queries/ (store/sql.py), and annotate with ar_cli.store.Session"
    )


def test_the_allow_list_shrinks():
    """An allowed module that no longer imports a database library leaves the list."""
    stale = sorted(
        relative
        for relative in DATABASE_IMPORTS_ALLOWED
        if not (PACKAGE / relative).is_file() or not _database_imports(PACKAGE / relative)
    )
    assert not stale, f"take these off DATABASE_IMPORTS_ALLOWED: {', '.join(stale)}"


def test_the_layer_check_can_fail(tmp_path):
    """The check sees a database import in any spelling (plain, from, under TYPE_CHECKING)."""
    for text in (
        "import sqlite3\n",
        "from sqlalchemy import select\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlmodel import Session\n",
        "def f():\n    import sqlalchemy.orm\n",
    ):
        probe = tmp_path / "probe.py"
        probe.write_text(text)
        assert _database_imports(probe), text
    probe.write_text("from ar_cli.store import Session\nfrom ar_cli.store.sql import sql_of\n")
    assert not _database_imports(probe)
