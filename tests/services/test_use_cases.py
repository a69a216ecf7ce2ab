"""services/ means "owns one transaction": every public top-level function of
ar_cli/services/** opens the ledger's write transaction (`with ledger.write() as
session:`, store/database.py), itself or through a function of its own module that
does — or is listed below as a helper, with the reason. Reads belong in reports/ (or
store/queries/), SQL in store/."""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "ar_cli" / "services"

# Modules that are not use cases: steps run inside a caller's write transaction, or
# values passed down to one. Path (a glob) relative to services/.
HELPER_MODULES = {
    "context.py": "who acts and when (Actor) and progress reporting, resolved at the CLI edge",
    "collection_pauses.py": "a garbage-collector setting around the bulk paths",
    "source_files.py": "an input file's hash and size, read before its transaction opens",
    "claims/corrections.py": "the correction steps of resolve_exception, in its transaction",
    "denials/overturns.py": "overturns, in the transaction of the payment that posts (ERA, by hand, batch)",
    "denials/rows.py": "denial rows a posting opens, in its transaction",
    "posting/patient_billing.py": "the check on billing the patient, in the transaction that moves the money",
    "era/*.py": "the parts of posting one 835 file, in the transaction era/files.py opens "
    "(era/parked.py: in apply_exception's)",
}
# Use cases a helper glob above would cover.
USE_CASES = {"era/files.py"}
# Functions of use-case modules that are not use cases themselves.
HELPER_FUNCTIONS = {
    ("era/files.py", "era_files"): "lists the 835 files of the folders given (no ledger)",
    ("periods.py", "refuse_closed_period"): "a pre-check before any input is read; every write checks again",
    ("periods.py", "check_can_close"): "a pre-check before the close pack's folder is made; the close checks again",
}


def _opens_write(node: ast.AST) -> bool:
    """`with X.write() ...` (Ledger.write), or the schema's write transaction that Alembic
    runs in (`X.execution_options(ar_write=True).begin()`, services/schema_admin.py)."""
    for item in (i for w in ast.walk(node) if isinstance(w, ast.With) for i in w.items):
        call = item.context_expr
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr == "write":
            return True
        inner = call.func.value
        if (
            call.func.attr == "begin"
            and isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "execution_options"
            and any(k.arg == "ar_write" for k in inner.keywords)
        ):
            return True
    return False


def _calls(node: ast.AST) -> set[str]:
    return {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}


def _public_functions_without_a_transaction(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    opening = {name for name, fn in functions.items() if _opens_write(fn)}
    grown = True
    while grown:  # through the module's own functions: close_period → _record_close
        more = {name for name, fn in functions.items() if name not in opening and _calls(fn) & opening}
        opening |= more
        grown = bool(more)
    return sorted(name for name in functions if not name.startswith("_") and name not in opening)


def _modules():
    return sorted(p for p in SERVICES.rglob("*.py") if p.name != "__init__.py")


def _helper_module(where: str) -> bool:
    return where not in USE_CASES and any(fnmatch(where, pattern) for pattern in HELPER_MODULES)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(SERVICES).as_posix())
def test_every_public_service_function_opens_the_write_transaction(path):
    where = path.relative_to(SERVICES).as_posix()
    if _helper_module(where):
        return
    missing = [name for name in _public_functions_without_a_transaction(path) if (where, name) not in HELPER_FUNCTIONS]
    assert not missing, (
        f"services/{where}: {', '.join(missing)} open no write transaction: a read goes to "
        "reports/ (or store/queries/), a step of another use case is private (_name) or "
        "listed in HELPER_FUNCTIONS with its reason"
    )


def test_the_helper_lists_name_what_is_there():
    """A helper that became a use case, moved or went away leaves the lists."""
    for pattern in HELPER_MODULES:
        assert any(fnmatch(p.relative_to(SERVICES).as_posix(), pattern) for p in _modules()), pattern
    for where in USE_CASES:
        assert (SERVICES / where).is_file(), where
    for where, name in HELPER_FUNCTIONS:
        path = SERVICES / where
        assert path.is_file(), where
        assert name in _public_functions_without_a_transaction(path), (where, name)


def test_the_check_can_fail(tmp_path):
    """A read that stayed in services/ is found; a use case is not."""
    module = tmp_path / "sample.py"
    module.write_text(
        "def report(ledger):\n    with ledger.read() as session:\n        return 1\n\n"
        "def act(ledger):\n    with ledger.write() as session:\n        return 2\n\n"
        "def act_twice(ledger):\n    return _inner(ledger)\n\n"
        "def _inner(ledger):\n    with ledger.write() as session:\n        return 3\n"
    )
    assert _public_functions_without_a_transaction(module) == ["report"]
