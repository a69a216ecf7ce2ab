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
