"""Ledgers written in row encoding 1 (revisions 0007–0008: marshal) keep verifying after
revision 0009, whose events hash their rows over the canonical row text (encoding 2):
a ledger with encoding-1 events, upgraded, then written to, verifies clean, and a change
to a row of either encoding (or to a row written in one and changed in place in the
other) is still named with its row and event — on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import psycopg
import pytest
from sqlalchemy import create_engine

from ar_cli.reports.audit.verify import verify_ledger
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.context import Actor
from ar_cli.services.denials.work import appeal
from ar_cli.services.era.files import post_era_files
from ar_cli.services.periods import close_period, parse_period
from ar_cli.services.schema_admin import upgrade_ledger
from ar_cli.store import schema
from ar_cli.store.audit import chain as audit_chain
from ar_cli.store.database import Ledger
from ar_cli.store.location import resolve_location
from conftest import POSTING, REPO
from ledger_tamper import copy_entry, set_shared

SAMPLE = REPO / "sample_data"
ERAS = sorted((SAMPLE / "eras").iterdir())


def _raw(url: str, sql: str, params: tuple = ()) -> list:
    """Through the driver itself, foreign keys off on PostgreSQL (as a superuser can)."""
    if "://" not in url:
        conn = sqlite3.connect(url)
    else:
        conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
        conn.execute("SET session_replication_role = replica")
        sql = sql.replace("%", "%%").replace("?", "%s")
    try:
        cursor = conn.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        conn.commit()
        return rows
    finally:
        conn.close()


def _downgrade(url: str, target: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_engine(resolve_location(url).url)
    try:
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", schema.script_location())
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
            assert schema.current_revision(conn) == target
    finally:
        engine.dispose()


@pytest.fixture
def mixed(ledger_url, actor, monkeypatch):
    """The sample practice: May closed, the charges and the first three ERAs posted in
    encoding 1 at revision 0008; upgraded; then the other ERAs and an appeal of a denial
    an encoding-1 event wrote, in encoding 2. Returns (url, first encoding-2 event)."""
    location = resolve_location(ledger_url)
    monkeypatch.setattr(audit_chain, "ROW_ENCODING", 1)
    ledger = Ledger(location).open()
    try:
        close_period(
            ledger, parse_period("2026-05"), actor=Actor(user="closer", now=datetime(2026, 6, 1, 9, tzinfo=UTC))
        )
        import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
        post_era_files(ledger, ERAS[:3], actor=actor, posting_date=POSTING)
    finally:
        ledger.dispose()
    _downgrade(ledger_url, "0008_claim_waiver")  # as a ledger from the last day is
    upgrade_ledger(location)
    monkeypatch.setattr(audit_chain, "ROW_ENCODING", 2)
    (first_json,) = _raw(ledger_url, "SELECT max(event_id) + 1 FROM audit_rows")[0]
    ledger = Ledger(location).open()
    try:
        post_era_files(ledger, ERAS[3:], actor=actor, posting_date=POSTING)
        (claim_number,) = _raw(
            ledger_url,
            "SELECT c.claim_number FROM denial d JOIN claim c ON c.id = d.claim_id "
            "WHERE d.status = 'open' AND d.audit_event_id < ? ORDER BY d.id LIMIT 1",
            (first_json,),
        )[0]
        appeal(
            ledger,
            claim_number,
            note="records sent",
            line=None,
            filed_on=date(2026, 7, 1),
            actor=Actor(user="tester", now=datetime(2026, 7, 1, 10, tzinfo=UTC)),
        )
    finally:
        ledger.dispose()
    return ledger_url, first_json


def _findings(url: str) -> dict[tuple[str, str], list[str]]:
    ledger = Ledger(resolve_location(url)).open()
    try:
        out: dict = {}
        for f in verify_ledger(ledger).findings:
            out.setdefault((f.check, f.ref), []).append(f.message)
        return out
    finally:
        ledger.dispose()


def test_a_ledger_of_both_encodings_verifies_clean(mixed):
    url, first_json = mixed
    headers = dict(_raw(url, "SELECT event_id, manifest FROM audit_rows WHERE event_id > 0"))
    assert {e: m.splitlines()[0] for e, m in headers.items() if e < first_json} == {
        e: "rows v2" for e in headers if e < first_json
    }
    assert {m.splitlines()[0] for e, m in headers.items() if e >= first_json} == {"rows v2 json"}
    # Both encodings wrote ledger entries and denials, and an encoding-2 event changed a
    # denial an encoding-1 event wrote.
    for table in ("ledger_entry", "denial"):
        assert _raw(url, f"SELECT count(*) FROM {table} WHERE audit_event_id < ?", (first_json,))[0][0] > 0
        assert _raw(url, f"SELECT count(*) FROM {table} WHERE audit_event_id >= ?", (first_json,))[0][0] > 0
    assert "changed denial" in "\n".join(m for e, m in headers.items() if e >= first_json)
    ledger = Ledger(resolve_location(url)).open()
    try:
        result = verify_ledger(ledger)
    finally:
        ledger.dispose()
    assert result.clean, result.findings
    assert result.old_events == 0 and result.money_rows > 2000


def _entry(url: str, *, encoding_2: bool, first_json: int) -> tuple[int, int]:
    """A ledger entry (id, event) written in the given encoding, not the last of its event."""
    where = "audit_event_id >= ?" if encoding_2 else "audit_event_id < ?"
    return _raw(
        url,
        f"SELECT min(id), audit_event_id FROM ledger_entry WHERE {where} AND kind = 'payment' "
        "GROUP BY audit_event_id ORDER BY 1 LIMIT 1",
        (first_json,),
    )[0]


def test_a_changed_amount_is_named_in_either_encoding(mixed):
    url, first_json = mixed
    old_id, old_event = _entry(url, encoding_2=False, first_json=first_json)
    new_id, new_event = _entry(url, encoding_2=True, first_json=first_json)
    _raw(url, "UPDATE posting_entry SET amount = amount - 1 WHERE id IN (?, ?)", (old_id, new_id))
    found = _findings(url)
    for entry_id, event in ((old_id, old_event), (new_id, new_event)):
        assert found[("rows", f"ledger_entry {entry_id}")] == [
            f"differs from what event {event} wrote (changed after, or a row before it was removed)"
        ]


def test_a_deleted_row_is_named_in_either_encoding(mixed):
    url, first_json = mixed
    old_id, old_event = _entry(url, encoding_2=False, first_json=first_json)
    new_id, new_event = _entry(url, encoding_2=True, first_json=first_json)
    _raw(url, "DELETE FROM posting_entry WHERE id IN (?, ?)", (old_id, new_id))
    found = _findings(url)
    for event in (old_event, new_event):
        assert found[("rows", f"event {event}")][0].endswith("are stored: rows removed")


def test_an_inserted_row_is_named_in_either_encoding(mixed):
    """Copies of an encoding-1 and an encoding-2 entry, hash and all, attributed to their
    events: the encoding-1 copy now sits among encoding-2 rows and is read again alone."""

    url, first_json = mixed
    picked = {}
    for encoding_2 in (False, True):
        entry_id, event = _entry(url, encoding_2=encoding_2, first_json=first_json)
        _raw(url, *copy_entry(entry_id))
        picked[_raw(url, "SELECT max(id) FROM ledger_entry")[0][0]] = event
    found = _findings(url)
    for new_id, event in picked.items():
        assert any(f"event {event}" in m for m in found[("rows", f"ledger_entry {new_id}")]), found


def test_a_row_of_encoding_1_changed_in_place_by_encoding_2_is_checked_in_its_state(mixed):
    url, first_json = mixed
    (denial_id, event) = _raw(
        url,
        "SELECT d.id, max(e.event_id) FROM denial d JOIN audit_rows e ON e.manifest LIKE "
        "'%changed denial ' || d.id || ' %' WHERE d.audit_event_id < ? AND e.event_id >= ? "
        "GROUP BY d.id ORDER BY d.id LIMIT 1",
        (first_json, first_json),
    )[0]
    _raw(url, "UPDATE denial SET level = level + 1 WHERE id = ?", (denial_id,))
    assert _findings(url) == {
        ("rows", f"denial {denial_id}"): [f"differs from the state event {event} left it in (changed after)"]
    }


def test_a_posting_date_moved_into_a_closed_month_is_named_in_either_encoding(mixed):
    url, first_json = mixed
    ids = [_entry(url, encoding_2=flag, first_json=first_json)[0] for flag in (False, True)]
    for sql, params in set_shared(tuple(ids), "posting_date", "?", ("2026-05-15",)):
        _raw(url, sql, params)
    found = _findings(url)
    for entry_id in ids:
        assert any(
            m.startswith("posting date 2026-05-15 is in 2026-05, closed 2026-06-01 09:00 before event ")
            for m in found[("rows", f"ledger_entry {entry_id}")]
        )


def test_a_downgrade_below_0009_is_refused_once_an_event_is_in_encoding_2(mixed):
    url, _ = mixed
    with pytest.raises(RuntimeError, match="hash their rows in encoding 2"):
        _downgrade(url, "0008_claim_waiver")
