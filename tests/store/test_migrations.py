"""The Alembic head matches the SQLModel tables, and blank databases migrate to it."""

import sqlite3

import pytest
from sqlalchemy import create_engine, inspect, text

from ar_cli.store import schema
from ar_cli.store.base import metadata
from ar_cli.store.location import resolve_location
from ar_cli.services.schema_admin import schema_state, upgrade_ledger


def _url(ledger_url: str) -> str:
    return resolve_location(ledger_url).url


def test_head_constant_matches_alembic():
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(schema.migrations_dir()))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == schema.HEAD_REVISION
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == list(schema.KNOWN_REVISIONS)


def test_migrated_database_has_no_drift(ledger_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    import ar_cli.store.tables  # noqa: F401

    upgrade_ledger(resolve_location(ledger_url))
    engine = create_engine(_url(ledger_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_blank_database_migrates_to_head(ledger_url):
    before, after = upgrade_ledger(resolve_location(ledger_url))
    assert after == schema.HEAD_REVISION
    state = schema_state(resolve_location(ledger_url))
    assert state.up_to_date
    engine = create_engine(_url(ledger_url))
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        head = conn.execute(text("SELECT last_hash FROM audit_head WHERE id = 1")).scalar()
    engine.dispose()
    assert {"claim", "ledger_entry", "remittance", "denial", "audit_event", "audit_head"} <= tables
    assert head == "0" * 64


def test_money_columns_are_bigint_on_postgres(pg_url):
    upgrade_ledger(resolve_location(pg_url))
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        columns = {c["name"]: str(c["type"]) for c in inspect(conn).get_columns("ledger_entry")}
    engine.dispose()
    assert columns["amount"] == "BIGINT"
    assert columns["id"] == "BIGINT"


def test_database_newer_than_code_is_refused(sqlite_cli, sqlite_url):
    assert sqlite_cli("db", "init").exit_code == 0
    with sqlite3.connect(sqlite_url) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999_future'")
    result = sqlite_cli("claims", "list")
    assert result.exit_code == 2
    assert "ledger schema 0999_future is newer than this ar-cli" in result.stderr
    assert sqlite_cli("db", "upgrade").exit_code == 2


def test_existing_database_without_schema_asks_for_upgrade(tmp_path):
    from support import Cli

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something_else (x INTEGER)")
    result = Cli(str(path))("claims", "list")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: not an ar-cli ledger yet (no schema); run `ar-cli db upgrade` to create it"
