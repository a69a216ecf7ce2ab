"""The shape of ERA posting (services/era/): no SQL driver or ORM imported there (its
SQL is spoken in store/), modules of at most 400 lines, and every attribute of its
classes set in `__init__` (per-remittance state is a value fixed when it starts)."""

import ast
from pathlib import Path

import pytest

ERA = Path(__file__).resolve().parents[3] / "ar_cli" / "services" / "era"
FILES = sorted(ERA.glob("*.py"))
DRIVERS = {"sqlalchemy", "sqlmodel", "sqlite3", "psycopg"}


def _ids(path: Path) -> str:
    return path.name


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_no_driver_or_orm_imported(path):
    for node in ast.walk(ast.parse(path.read_text())):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module]
            if isinstance(node, ast.ImportFrom) and node.module
            else []
        )
        for name in names:
            assert name.split(".")[0] not in DRIVERS, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) <= 400


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_attributes_are_set_in_init(path):
    for cls in (n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ClassDef)):
        for method in (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name != "__init__"):
            for node in ast.walk(method):
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                    if isinstance(node, ast.AugAssign | ast.AnnAssign)
                    else []
                )
                for target in targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                            # Reassigning what __init__ set is allowed; a new attribute is not.
                            where = f"{path.name}: {cls.name}.{method.name}"
                            assert _set_in_init(cls, t.attr), f"{where} sets self.{t.attr}"


def _set_in_init(cls: ast.ClassDef, attr: str) -> bool:
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return False
    return any(
        isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" and t.attr == attr
        for t in ast.walk(init)
    )
