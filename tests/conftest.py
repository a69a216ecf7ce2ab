"""Shared fixtures: real SQLite files, a real PostgreSQL server, the CLI runner.

Service and store tests take `ledger_url`, parametrized over both databases. The
PostgreSQL side creates a throwaway database per test and drops it after; when the
server does not answer the tests skip — unless AR_TEST_REQUIRE_POSTGRES=1 (make test),
where they fail, so a green run always means both databases were exercised.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from support import Cli

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_ADMIN_URL = os.environ.get("AR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
POSTING = date(2026, 6, 30)


def _pg_available() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_available()
    if problem:
        if os.environ.get("AR_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (make test) but does not answer: {problem}")
        pytest.skip(f"no PostgreSQL server: {problem}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str):
    import psycopg

    name = f"ar_test_{uuid.uuid4().hex[:12]}"
    admin = pg_server.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_url(request, tmp_path) -> str:
    """A new, empty ledger on each database (made as `ar-cli db init` makes one: commands
    that only read refuse a ledger that is not there)."""
    from ar_cli.services.schema_admin import init_ledger
    from ar_cli.store.location import resolve_location

    url = str(tmp_path / "ledger.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    init_ledger(resolve_location(url))
    return url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return str(tmp_path / "ledger.sqlite")


@pytest.fixture
def ledger(ledger_url):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    opened = Ledger(resolve_location(ledger_url)).open()
    yield opened
    opened.dispose()


@pytest.fixture
def actor():
    from ar_cli.services.context import Actor

    return Actor(user="tester", now=datetime(2026, 6, 30, 15, 0, tzinfo=UTC))


@pytest.fixture
def shared_x12() -> Path:
    folder = SHARED / "x12"
    if not folder.is_dir():
        pytest.skip("../shared/x12 is not beside the project")
    return folder


@pytest.fixture
def cli(ledger_url) -> Cli:
    return Cli(ledger_url)


@pytest.fixture
def sqlite_cli(sqlite_url) -> Cli:
    return Cli(sqlite_url)


@pytest.fixture
def sample_cli(cli) -> Cli:
    """The sample practice (sample_data/) imported and its ERAs posted, as `make demo`
    does: one open exception, so posting exits 1."""
    sample = REPO / "sample_data"
    assert cli("claims", "import", str(sample / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    assert cli("post", "era", str(sample / "eras"), "--posting-date", "2026-06-30").exit_code == 1
    return cli
