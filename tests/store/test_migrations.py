"""The Alembic head matches the SQLModel tables, and blank databases migrate to it."""

import sqlite3

import pytest
from sqlalchemy import create_engine, inspect, text

from ar_cli.reports.schema import schema_state
from ar_cli.services.schema_admin import upgrade_ledger
from ar_cli.store import schema
from ar_cli.store.base import metadata
from ar_cli.store.location import resolve_location


def _url(ledger_url: str) -> str:
    return resolve_location(ledger_url).url


def test_head_constant_matches_alembic():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

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
    _before, after = upgrade_ledger(resolve_location(ledger_url))
    assert after == schema.HEAD_REVISION
    state = schema_state(resolve_location(ledger_url))
    assert state.up_to_date
    engine = create_engine(_url(ledger_url))
    with engine.connect() as conn:
        # ledger_entry is a view since revision 0010 (posting + posting_entry).
        tables = set(inspect(conn).get_table_names()) | set(inspect(conn).get_view_names())
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
    assert (
        result.stderr.strip()
        == f"error: {path}: not an ar-cli ledger yet (no schema); run `ar-cli db upgrade` to create it"
    )


@pytest.fixture(params=["sqlite", "postgres"])
def blank_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "old.sqlite")
    return request.getfixturevalue("pg_url")


def test_events_from_before_0007_are_checked_the_old_way_and_later_rows_need_their_hash(blank_url):
    """A ledger written before revision 0007 (one event, one exception row, no row hash,
    no manifest) upgrades and verifies clean, its event counted as checked by its hash
    only; a money row added after the upgrade without a hash is a break; the next write
    extends the old chain."""
    from datetime import UTC, datetime

    from ar_cli.domain.audit import GENESIS_HASH, canonical_json, event_hash
    from ar_cli.reports.audit.verify import verify_ledger
    from ar_cli.services.context import Actor
    from ar_cli.services.work_notes import add_user
    from ar_cli.store.database import Ledger
    from ar_cli.store.tables import AuditEventRow

    location = resolve_location(blank_url)
    engine = create_engine(location.url)
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    fields = dict(
        occurred_at=now.isoformat(),
        actor="old",
        action="exception.add",
        entity="",
        entity_key="",
        source="",
        details=canonical_json({}),
        rows_digest="d" * 64,
    )
    digest = event_hash(prev_hash=GENESIS_HASH, event_id=1, **fields)
    with engine.begin() as conn:
        schema.upgrade(conn, "0005_claim_payment_claim")
        conn.execute(
            text(
                "INSERT INTO exception_record (kind, status, claim_number, amount, summary, payload, "
                "source_ref, created_at, resolved_by, resolution_note) VALUES ('unmatched_claim', 'open', "
                "'C1', 500, 'held', '{}', '', :t, '', '')"
            ),
            {"t": now},
        )
        conn.execute(
            AuditEventRow.__table__.insert(),
            [{**fields, "occurred_at": now, "id": 1, "prev_hash": GENESIS_HASH, "hash": digest}],
        )
        conn.execute(text("UPDATE audit_head SET last_event_id = 1, last_hash = :h"), {"h": digest})
    engine.dispose()
    upgrade_ledger(location)
    ledger = Ledger(location).open()
    try:
        result = verify_ledger(ledger)
        assert result.clean, result.findings
        assert (result.events, result.old_events, result.money_rows) == (1, 1, 1)
        add_user(ledger, "alice", full_name="", actor=Actor(user="tester", now=datetime(2026, 6, 2, tzinfo=UTC)))
        result = verify_ledger(ledger)
        assert result.clean and (result.events, result.old_events) == (2, 1)
        with ledger.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO exception_record (kind, status, claim_number, amount, summary, payload, "
                    "source_ref, created_at, resolved_by, resolution_note, audit_event_id) VALUES "
                    "('unmatched_claim', 'open', 'C2', 900, 'forged', '{}', '', :t, '', '', 1)"
                ),
                {"t": now},
            )
        assert [(f.check, f.ref, f.message) for f in verify_ledger(ledger).findings] == [
            ("rows", "exception_record 2", "has no row hash: written around the audit chain (it names event 1)")
        ]
    finally:
        ledger.dispose()
