"""`audit verify` rebuilds every money row into its event's chain (issue #13 item 13):
each tampering done with the database's own driver (sqlite3, psycopg) on the sample
practice is found and named with its row and event — on SQLite and PostgreSQL, with the
sample written in each row encoding (1: marshal, as ledgers from revisions 0007–0008
are; 2: the canonical row text, since 0009)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import select

from ar_cli.domain.audit import row_hash
from ar_cli.domain.errors import ChainBrokenError
from ar_cli.reports.audit.verify import Anchor, chain_anchor, verify_ledger
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.context import Actor
from ar_cli.services.era.files import post_era_files
from ar_cli.services.periods import close_period, parse_period
from ar_cli.services.work_notes import add_user
from ar_cli.store.audit import chain as audit_chain
from ar_cli.store.audit import rows as audit_rows
from ar_cli.store.tables import AuditEventRow, AuditHeadRow, LedgerEntryRow
from conftest import POSTING, REPO
from ledger_tamper import copy_entry, insert_wide, set_shared

SAMPLE = REPO / "sample_data"
MONEY_TABLES = sorted(audit_rows.COVERED)


@pytest.fixture(params=[1, 2], ids=["encoding1", "encoding2"])
def encoding(request, monkeypatch) -> int:
    """The row encoding the writers use in this test (domain/audit.py)."""
    monkeypatch.setattr(audit_chain, "ROW_ENCODING", request.param)
    return request.param


@pytest.fixture
def sample(ledger, actor, encoding):
    """May 2026 closed on June 1st; then the sample's charges and ERAs posted on June 30th."""
    close_period(ledger, parse_period("2026-05"), actor=Actor(user="closer", now=datetime(2026, 6, 1, 9, tzinfo=UTC)))
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


def _raw(ledger, *statements: tuple[str, tuple]) -> list:
    """Run SQL (with `?` marks) through the driver itself, as someone with the database
    file or a PostgreSQL login would (PostgreSQL's foreign keys switched off, as a
    superuser can); returns the last statement's rows, if any."""
    url = ledger.engine.url
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database)
        mark = "?"
    else:
        conn = psycopg.connect(url.render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql"))
        conn.execute("SET session_replication_role = replica")
        mark = "%s"
    try:
        rows = []
        for sql, params in statements:
            cursor = conn.execute(sql.replace("?", mark), params)
            rows = cursor.fetchall() if cursor.description else []
        conn.commit()
        return rows
    finally:
        conn.close()


def _found(ledger, **kwargs) -> list[tuple[str, str]]:
    return [(f.check, f.ref) for f in verify_ledger(ledger, **kwargs).findings]


def _messages(ledger) -> dict[tuple[str, str], list[str]]:
    out: dict = {}
    for f in verify_ledger(ledger).findings:
        out.setdefault((f.check, f.ref), []).append(f.message)
    return out


def _charge(ledger):
    """The first charge with its claim's balance and the open-balance summary row it is in."""
    return _raw(
        ledger,
        (
            "SELECT e.id, e.claim_id, e.responsibility, e.audit_event_id, c.first_service_date, c.billed_date, "
            "COALESCE(cv.payer_id, 0), b.balance FROM ledger_entry e JOIN claim c ON c.id = e.claim_id "
            "JOIN claim_balance b ON b.claim_id = e.claim_id AND b.responsibility = e.responsibility "
            "LEFT JOIN coverage cv ON cv.claim_id = e.claim_id AND cv.rank = e.responsibility "
            "WHERE e.kind = 'charge' AND e.responsibility > 0 AND b.balance > 1000 ORDER BY e.id LIMIT 1",
            (),
        ),
    )[0]


def _move_money(ledger, claim_id, resp, service, billed, payer_id, cents) -> list[tuple[str, tuple]]:
    """The cached balance and its summary row moved by `cents`, so that they agree."""
    return [
        (
            "UPDATE claim_balance SET balance = balance + ? WHERE claim_id = ? AND responsibility = ?",
            (cents, claim_id, resp),
        ),
        (
            "UPDATE open_balance_summary SET amount = amount + ? WHERE owner_key = ? AND service_date = ? "
            "AND billed_date = ? AND sign = 1",
            (cents, payer_id, service, billed),
        ),
    ]


def test_the_sample_practice_rebuilds_clean(sample):
    result = verify_ledger(sample)
    assert result.clean, result.findings
    assert result.old_events == 0 and result.money_rows > 2000


def test_a_charge_raised_with_its_balance_and_summary_is_named(sample):
    entry_id, claim_id, resp, event, service, billed, payer_id, _ = _charge(sample)
    _raw(
        sample,
        ("UPDATE posting_entry SET amount = amount + 1000 WHERE id = ?", (entry_id,)),
        *_move_money(sample, claim_id, resp, service, billed, payer_id, 1000),
    )
    found = _messages(sample)
    # Only the chain sees it: the balance and aging's summary agree with the entries.
    assert list(found) == [("rows", f"ledger_entry {entry_id}")]
    assert found[("rows", f"ledger_entry {entry_id}")] == [
        f"differs from what event {event} wrote (changed after, or a row before it was removed)"
    ]


@pytest.mark.parametrize("rehashed", [False, True], ids=["no hash", "hash chained on"])
def test_a_forged_payment_attributed_to_an_existing_event_is_named(sample, rehashed, encoding):
    _, claim_id, resp, _, service, billed, payer_id, _ = _charge(sample)
    columns = audit_rows.columns("ledger_entry")
    with sample.read() as session:
        payment = session.execute(
            select(LedgerEntryRow).where(LedgerEntryRow.kind == "payment").order_by(LedgerEntryRow.id.desc()).limit(1)
        ).scalar_one()
        event = payment.audit_event_id
        last = session.execute(
            select(LedgerEntryRow.row_hash)
            .where(LedgerEntryRow.audit_event_id == event)
            .order_by(LedgerEntryRow.id.desc())
            .limit(1)
        ).scalar_one()
    values = {name: getattr(payment, name) for name in columns}
    values.update(
        claim_id=claim_id,
        responsibility=resp,
        amount=-1000,
        line_id=None,
        reverses_id=None,
        transfer_group=None,
        posting_date=POSTING.isoformat(),
        effective_date=POSTING.isoformat(),
    )
    forged = tuple(values[name] for name in columns)
    digest = row_hash(last, forged, encoding) if rehashed else None  # hashed as its event hashes
    _raw(
        sample,
        *insert_wide(dict(zip(columns, forged)), digest),
        *_move_money(sample, claim_id, resp, service, billed, payer_id, -1000),
    )
    new_id = _raw(sample, ("SELECT max(id) FROM ledger_entry", ()))[0][0]
    found = _messages(sample)
    # The forged payment also breaks the check's tie and may leave open denials over what is owed.
    assert [key for key in found if key[0] not in ("remittance", "denial")] == [("rows", f"ledger_entry {new_id}")]
    message = found[("rows", f"ledger_entry {new_id}")][-1]
    assert message.startswith("is not among the") if rehashed else message.startswith("has no row hash")
    assert f"event {event}" in message


def test_a_posting_date_moved_into_a_closed_month_is_named(sample):
    entry_id, *_ = _charge(sample)
    _raw(sample, *set_shared((entry_id,), "posting_date", "?", ("2026-05-15",)))
    found = _messages(sample)
    assert list(found) == [("rows", f"ledger_entry {entry_id}")]
    assert any(
        m.startswith("posting date 2026-05-15 is in 2026-05, closed 2026-06-01 09:00 before event ")
        for m in found[("rows", f"ledger_entry {entry_id}")]
    )


def _pick(ledger, table: str) -> tuple[int, int]:
    """A row of `table` written by an event that wrote another one after it: (id, event)."""
    return _raw(
        ledger,
        (
            f'SELECT min(id), audit_event_id FROM "{table}" WHERE audit_event_id IN '
            f'(SELECT audit_event_id FROM "{table}" GROUP BY audit_event_id HAVING count(*) > 1) '
            f"GROUP BY audit_event_id ORDER BY 1 LIMIT 1",
            (),
        ),
    )[0]


def _some_row(ledger, table: str) -> tuple[int, int]:
    return _raw(ledger, (f'SELECT id, audit_event_id FROM "{table}" ORDER BY id LIMIT 1', ()))[0]


@pytest.mark.parametrize("table", MONEY_TABLES)
def test_a_deleted_money_row_is_named_with_its_event(sample, table):
    several = _raw(sample, (f'SELECT count(*) FROM "{table}" GROUP BY audit_event_id HAVING count(*) > 1', ()))
    row_id, event = _pick(sample, table) if several else _some_row(sample, table)
    stored = "posting_entry" if table == "ledger_entry" else table  # a view since revision 0010
    _raw(sample, (f'DELETE FROM "{stored}" WHERE id = ?', (row_id,)))
    found = _messages(sample)
    assert ("rows", f"event {event}") in found, found
    assert f"{table} row(s)" in found[("rows", f"event {event}")][0]
    assert found[("rows", f"event {event}")][0].endswith("are stored: rows removed")
    if several:  # the row written after it no longer follows it (or, changed in place, it is missed)
        named = [key for key in found if key[0] == "rows" and key[1].startswith(f"{table} ")]
        assert named and any(
            m.endswith(("a row before it was removed)", "is missing: removed")) for m in found[named[0]]
        )


@pytest.mark.parametrize("table", MONEY_TABLES)
def test_an_inserted_money_row_is_named(sample, table):
    row_id, event = _some_row(sample, table)
    columns = [*audit_rows.columns(table), "row_hash"]
    # A copy of a row, attributed to the same event (the remittance's key kept unique).
    picked = ["amount + 1000" if table == "remittance" and c == "amount" else c for c in columns]
    _raw(
        sample,
        copy_entry(row_id)  # ledger_entry is a view since revision 0010: the copy is of its entry
        if table == "ledger_entry"
        else (
            f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT {", ".join(picked)} FROM "{table}" WHERE id = ?',
            (row_id,),
        ),
    )
    new_id = _raw(sample, (f'SELECT max(id) FROM "{table}"', ()))[0][0]
    found = _messages(sample)
    assert ("rows", f"{table} {new_id}") in found, found
    assert any(f"event {event}" in m for m in found[("rows", f"{table} {new_id}")])


def test_a_denial_status_changed_is_named(sample):
    denial_id, _event = _some_row(sample, "denial")
    _raw(sample, ("UPDATE denial SET status = 'resolved' WHERE id = ?", (denial_id,)))
    assert _found(sample) == [("rows", f"denial {denial_id}")]


def test_a_remittance_changed_after_its_posting_is_named_with_the_event_that_left_it(sample):
    """A remittance is written at its start and set posted at its end (one event): its
    state then is what the event's manifest holds."""
    remittance_id, event = _some_row(sample, "remittance")
    _raw(sample, ("UPDATE remittance SET status = 'rejected' WHERE id = ?", (remittance_id,)))
    found = _messages(sample)
    assert found[("rows", f"remittance {remittance_id}")] == [
        f"differs from the state event {event} left it in (changed after)"
    ]


def _cut_newest_event(ledger, *, issued_too: bool) -> int:
    """Delete the newest event and point the head back at the one before it."""
    last, before_hash = _raw(
        ledger,
        ("SELECT e.id, p.hash FROM audit_event e JOIN audit_event p ON p.id = e.id - 1 ORDER BY e.id DESC LIMIT 1", ()),
    )[0]
    _raw(
        ledger,
        ("DELETE FROM audit_event WHERE id = ?", (last,)),
        ("DELETE FROM audit_rows WHERE event_id = ?", (last,)),
        (
            "UPDATE audit_head SET last_event_id = ?, last_hash = ?" + (", issued_event_id = ?" if issued_too else ""),
            (last - 1, before_hash, last - 1) if issued_too else (last - 1, before_hash),
        ),
    )
    return last


def test_a_write_refuses_a_chain_cut_at_its_head_and_ids_are_not_reused(sample, actor):
    cut = _cut_newest_event(sample, issued_too=False)
    with pytest.raises(ChainBrokenError, match=f"event {cut} was written but the head points at event {cut - 1}"):
        add_user(sample, "alice", full_name="", actor=actor)
    with sample.read() as session:
        assert session.execute(select(AuditEventRow.id).order_by(AuditEventRow.id.desc())).scalars().first() == cut - 1
    assert ("chain", "audit head") in _found(sample)


def test_a_write_after_the_issued_mark_is_rewound_too_does_not_make_the_chain_whole(sample, actor):
    """Someone who also rewinds the head's issued mark gets the id reused, but the rows
    the removed event wrote do not chain into the new event's manifest."""
    cut = _cut_newest_event(sample, issued_too=True)
    add_user(sample, "alice", full_name="", actor=actor)
    found = _found(sample)
    assert found and all(check in ("rows", "unaudited", "remittance", "balance", "summary") for check, _ in found)
    assert any(ref == f"event {cut}" or ref.startswith(("ledger_entry", "claim_payment")) for _, ref in found)


def test_a_write_refuses_a_head_event_that_was_changed(sample, actor):
    _raw(sample, ("UPDATE audit_event SET actor = 'mallory' WHERE id = (SELECT max(id) FROM audit_event)", ()))
    with pytest.raises(ChainBrokenError, match="does not hash to what the head says"):
        add_user(sample, "alice", full_name="", actor=actor)


def test_an_anchor_catches_a_cut_tail_and_a_rewritten_history(sample, actor):
    add_user(sample, "alice", full_name="", actor=actor)  # an event with no money rows
    anchor = chain_anchor(sample)
    with sample.read() as session:
        head = session.get(AuditHeadRow, 1)
        assert (anchor.hash, anchor.count) == (head.last_hash, head.last_event_id)
    assert _found(sample, anchor=anchor) == []
    # The tail cut cleanly (event, manifest, head and its issued mark): only the anchor sees it.
    _cut_newest_event(sample, issued_too=True)
    assert _found(sample) == []
    found = verify_ledger(sample, anchor=anchor).findings
    assert [(f.check, f.ref) for f in found] == [("anchor", f"anchor {anchor.count}")]
    assert found[0].message == (
        f"names event {anchor.count}, the chain ends at event {anchor.count - 1}: events cut from its end"
    )
    # An anchor of an event whose hash was since rewritten.
    older = Anchor(hash="a" * 64, count=anchor.count - 1)
    assert [f.message.endswith("the chain was rewritten") for f in verify_ledger(sample, anchor=older).findings] == [
        True
    ]


def test_a_money_row_written_with_enum_values_hashes_as_stored(ledger, actor):
    """Values are hashed as the database gives them back: an enum as its text."""
    import enum

    from ar_cli.store.audit.chain import ChangeRecorder
    from ar_cli.store.tables import ExceptionRow

    class Kind(str, enum.Enum):  # noqa: UP042 - the (str, Enum) spelling other libraries hand over is the case tested
        UNMATCHED = "unmatched_claim"

    with ledger.write() as session:
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        rec.insert(ExceptionRow, [{"kind": Kind.UNMATCHED, "summary": "held", "created_at": actor.now}])
        rec.finish(action="test.enum")
    result = verify_ledger(ledger)
    assert result.clean, result.findings
    assert result.money_rows == 1


def test_times_hash_in_utc_whatever_the_servers_time_zone(pg_url, actor):
    """A PostgreSQL server in another time zone gives zoned times back in its own: the
    rows are read in UTC, as they were hashed."""
    import psycopg as driver

    from ar_cli.services.schema_admin import upgrade_ledger
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    location = resolve_location(pg_url)
    upgrade_ledger(location)
    with driver.connect(pg_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{pg_url.rsplit('/', 1)[1]}\" SET TimeZone TO 'America/New_York'")
    ledger = Ledger(location).open()
    try:
        close_period(ledger, parse_period("2026-05"), actor=actor)
        post_era_files(
            ledger,
            [SAMPLE / "eras" / sorted(p.name for p in (SAMPLE / "eras").iterdir())[0]],
            actor=actor,
            posting_date=POSTING,
        )
        result = verify_ledger(ledger)
        assert result.clean, result.findings
        assert result.money_rows > 10
    finally:
        ledger.dispose()


def test_each_event_names_the_encoding_it_was_written_in(sample, encoding):
    headers = {
        text.splitlines()[0] for (text,) in _raw(sample, ("SELECT manifest FROM audit_rows WHERE event_id > 0", ()))
    }
    assert headers == {"rows v2" if encoding == 1 else "rows v2 json"}


def test_a_value_turned_into_a_blob_is_named(sample, ledger_url):
    """SQLite keeps whatever it is given: the same bytes as a blob are another value
    (and SQLite's json_array refuses a blob: the table is read again, blobs as such)."""
    if "://" in ledger_url:
        pytest.skip("a PostgreSQL column holds only its own type")
    entry_id, _, _, event, *_ = _charge(sample)
    _raw(sample, *set_shared((entry_id,), "created_by", "CAST(created_by AS BLOB)"))
    assert _messages(sample) == {
        ("rows", f"ledger_entry {entry_id}"): [
            f"differs from what event {event} wrote (changed after, or a row before it was removed)"
        ]
    }
