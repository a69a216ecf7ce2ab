"""`ar-cli work` headless, with Textual's pilot: the list is the queue, the side shows the
selected claim's timeline, and the keys note, follow up, appeal, assign and move on —
each through the same audited services as the commands; bad input changes nothing."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

pytest.importorskip("textual")

from textual.widgets import DataTable, Input, Static

from ar_cli.reports.queue.build import QueueFilter
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.context import Actor
from ar_cli.services.era.files import post_era_files
from ar_cli.services.work_notes import add_user
from ar_cli.store.tables import AuditEventRow, ClaimRow, DenialRow, FollowUpRow, NoteRow, UserRow
from ar_cli.tui.app import WorkApp, WorkContext
from conftest import POSTING, REPO
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries

SAMPLE = REPO / "sample_data"


def _actor() -> Actor:
    return Actor(user="tester", now=datetime(2026, 6, 30, 15, 0, tzinfo=UTC))


def _counts(ledger):
    with ledger.read() as session:
        return tuple(
            session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (AuditEventRow, NoteRow, FollowUpRow)
        )


def _text(app, selector) -> str:
    return str(app.query_one(selector, Static).render())


async def _answer(pilot, app, key: str, text: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


def test_working_the_queue_with_the_keys(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    add_user(ledger, "maria", full_name="Maria", actor=actor)
    app = WorkApp(WorkContext(ledger=ledger, flt=QueueFilter(limit=None), as_of=POSTING, today=POSTING, actor=_actor))

    async def run() -> None:
        async with app.run_test(size=(220, 50)) as pilot:
            await pilot.pause()
            queue = app.query_one("#queue", DataTable)
            assert queue.row_count == len(app.items) > 200
            assert [i.ref for i in app.items[:2]] == ["CLM100182", "CLM100169"]
            assert "why: denied: authorization · $1,524 · 81 days" in _text(app, "#detail")
            timeline = app.query_one("#timeline", DataTable)
            assert timeline.row_count >= 3  # the charge and the two denials
            await pilot.press("j")
            await pilot.pause()
            assert app.selected.ref == "CLM100169" and "CLM100169" in _text(app, "#detail")
            queue.move_cursor(row=0)
            await pilot.pause()

            # A note: on the timeline at once.
            await _answer(pilot, app, "n", "called Acme: auth on file")
            assert app.message == "claim CLM100182: note 1 added"
            assert app.selected.ref == "CLM100182"
            assert any(
                "called Acme: auth on file" in str(c) for c in app.query_one("#timeline", DataTable).get_column_at(3)
            )

            # Assign, then a bad assignee: one line, nothing changed.
            await _answer(pilot, app, "a", "maria")
            assert app.message == "claim CLM100182: assigned to maria"
            before = _counts(ledger)
            await _answer(pilot, app, "a", "zed")
            assert app.message == "error: user 'zed' does not exist (add them with `ar-cli users add`)"
            assert _counts(ledger) == before

            # Appeal its denials.
            await _answer(pilot, app, "p", "auth number and records attached")
            assert app.message.startswith("claim CLM100182: appealed at level 1 (2 denial(s) from ACM01")
            assert app.selected.ref == "CLM100182"  # appealed, it ranks lower; the cursor stays on it
            assert app.items[0].ref != "CLM100182"

            # A follow-up in the past is refused; a later one takes the claim off the list.
            before = _counts(ledger)
            await _answer(pilot, app, "f", "2020-01-01 call payer")
            assert app.message == "error: --on: 2020-01-01 is in the past (today is 2026-06-30)"
            await _answer(pilot, app, "f", "soon call payer")
            assert app.message == "error: follow-up: 'soon' is not a date (YYYY-MM-DD)"
            await _answer(pilot, app, "f", "9999-12-31 call payer")  # as every date option
            assert app.message == "error: follow-up: 9999-12-31 is outside the years 1900-2199; check the year"
            assert _counts(ledger) == before
            await _answer(pilot, app, "f", "2026-07-20 call Acme about the appeal")
            assert app.message == "claim CLM100182: follow up on 2026-07-20: call Acme about the appeal"
            assert "CLM100182" not in [i.ref for i in app.items]

            # Escape cancels a prompt; q quits.
            await pilot.press("n")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert _counts(ledger)[1] == 2  # the note above and the appeal's note
            await pilot.press("q")

    asyncio.run(run())
    with ledger.read() as session:
        claim = session.execute(select(ClaimRow).where(ClaimRow.claim_number == "CLM100182")).scalar_one()
        maria = session.execute(select(UserRow.id).where(UserRow.name == "maria")).scalar_one()
        assert claim.assigned_user_id == maria
        assert {
            d.status for d in session.execute(select(DenialRow).where(DenialRow.claim_id == claim.id)).scalars()
        } == {"appealed"}
        actions = list(session.execute(select(AuditEventRow.action).order_by(AuditEventRow.id)).scalars())
        assert actions[-4:] == ["note.add", "claims.assign", "denials.appeal", "follow_up.set"]
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
