"""`ar-cli work` offers no screenshot: Textual's would save the screen, patients' names
and all, as an SVG in the current folder."""

import asyncio
from datetime import UTC, datetime

import pytest

pytest.importorskip("textual")

from ar_cli.reports.queue.build import QueueFilter
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.context import Actor
from ar_cli.tui.app import WorkApp, WorkContext
from conftest import FIXTURES, POSTING


def test_the_screenshot_command_and_action_write_nothing(ledger, actor, tmp_path, monkeypatch):
    import_claims(ledger, FIXTURES / "claims" / "small.csv", actor=actor, posting_date=POSTING)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    app = WorkApp(
        WorkContext(
            ledger=ledger,
            flt=QueueFilter(limit=None),
            as_of=POSTING,
            today=POSTING,
            actor=lambda: Actor(user="tester", now=datetime(2026, 6, 30, tzinfo=UTC)),
        )
    )

    async def run() -> None:
        async with app.run_test(size=(200, 40)) as pilot:
            await pilot.pause()
            assert "Screenshot" not in [c.title for c in app.get_system_commands(app.screen)]
            await app.run_action("screenshot")
            app.deliver_screenshot()
            await pilot.pause(0.3)
            assert "Screenshots are off" in str(app.query_one("#status").render())

    asyncio.run(run())
    assert list(here.iterdir()) == []
