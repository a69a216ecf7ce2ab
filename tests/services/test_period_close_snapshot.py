"""`period close` builds its pack from a read snapshot and takes the write lock only to
record the close: a writer posting while the pack is built is not kept waiting, and a
posting into the month in between makes the pack be built again, so the pack always
matches the ledger the month closed on (SQLite and PostgreSQL, real connections)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.context import Actor
from ar_cli.services.periods import close_period, parse_period
from ar_cli.store.database import Ledger
from ar_cli.store.tables import LedgerEntryRow
from support import CLAIMS_HEADER, write_csv

ACTOR = Actor(user="tester", now=datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
JUNE = parse_period("2026-06")


def claims_file(folder, name: str, number: int):
    row = (
        f'{name},P{number},"DOE, JO",1960-01-01,ACME1,Acme Health Plan,2026-06-01,2026-06-02,99213,,1,'
        f"100.00,AC{number},,,,{name}-1"
    )
    return write_csv(folder / f"{name}.csv", CLAIMS_HEADER, row)


def entries_by(session, day: date) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(LedgerEntryRow).where(LedgerEntryRow.posting_date <= day)
        ).scalar_one()
    )


class Writer:
    """Another user's posting, on its own connection, while the pack is being built."""

    def __init__(self, ledger: Ledger, path, posting_date: date) -> None:
        self.other = Ledger(ledger.location, busy_timeout=120).open()
        self.path, self.posting_date = path, posting_date
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        try:
            import_claims(self.other, self.path, actor=ACTOR, posting_date=self.posting_date)
        except BaseException as exc:
            self.error = exc

    def post_while_waiting(self, seconds: float = 20) -> bool:
        """Start it and wait for it; True when it finished (it was not kept waiting)."""
        self.thread.start()
        self.thread.join(seconds)
        return not self.thread.is_alive()

    def finish(self) -> None:
        self.thread.join()
        self.other.dispose()


@pytest.mark.parametrize(("postings_into_june", "builds"), [(0, 1), (1, 2), (2, 3)])
def test_postings_while_the_pack_is_built(ledger, tmp_path, postings_into_june, builds):
    import_claims(ledger, claims_file(tmp_path, "C0", 0), actor=ACTOR, posting_date=date(2026, 6, 30))
    calls: list[int] = []
    writers: list[Writer] = []
    finished: list[bool] = []

    def pack(session, text, first, last):
        seen = entries_by(session, last)
        if len(writers) < postings_into_june:
            # Another user posts into June now, between this snapshot and the close.
            writer = Writer(ledger, claims_file(tmp_path, f"J{len(writers)}", len(writers) + 1), date(2026, 6, 15))
            writers.append(writer)
            finished.append(writer.post_while_waiting())
        calls.append(seen)
        assert entries_by(session, last) == seen  # one moment of the ledger, whatever lands meanwhile
        return {"entries_by_june_30": seen}

    closed = close_period(ledger, JUNE, actor=ACTOR, pack=pack)
    for writer in writers:
        writer.finish()
        assert writer.error is None
    assert finished == [True] * postings_into_june  # nobody waited on the pack
    assert len(calls) == builds
    with ledger.read() as session:
        assert (
            closed.pack
            == {"entries_by_june_30": entries_by(session, JUNE.last)}
            == {"entries_by_june_30": 1 + postings_into_june}
        )


def test_a_posting_after_the_month_does_not_rebuild_the_pack(ledger, tmp_path):
    import_claims(ledger, claims_file(tmp_path, "C0", 0), actor=ACTOR, posting_date=date(2026, 6, 30))
    calls: list[int] = []
    writers: list[Writer] = []

    def pack(session, text, first, last):
        if not writers:
            writers.append(Writer(ledger, claims_file(tmp_path, "L1", 1), date(2026, 7, 1)))
            assert writers[0].post_while_waiting()
        calls.append(entries_by(session, last))
        return {"entries_by_june_30": calls[-1]}

    closed = close_period(ledger, JUNE, actor=ACTOR, pack=pack)
    writers[0].finish()
    assert writers[0].error is None
    assert calls == [1] and closed.pack == {"entries_by_june_30": 1}


def test_a_posting_waiting_while_its_month_closes_is_refused(ledger, tmp_path):
    """A posting that reaches the write lock after a close of its month committed is
    refused there. On PostgreSQL the month used to be checked before waiting for the
    chain head, so the posting landed in the month just closed."""
    import time

    from ar_cli.domain.errors import InputError
    from ar_cli.store.audit.chain import ChangeRecorder
    from ar_cli.store.tables import ClosedPeriodRow

    import_claims(ledger, claims_file(tmp_path, "CLMA", 1), actor=ACTOR, posting_date=date(2026, 6, 30))
    writer = Writer(ledger, claims_file(tmp_path, "CLMB", 2), posting_date=date(2026, 6, 30))
    with ledger.write() as session:  # the close, as services/periods._record_close writes it
        rec = ChangeRecorder(session, actor=ACTOR.user, now=ACTOR.now)
        rec.insert(
            ClosedPeriodRow,
            [
                {
                    "period": JUNE.text,
                    "closed_at": ACTOR.now,
                    "closed_by": ACTOR.user,
                    "reopened_at": None,
                    "reopened_by": "",
                    "reopen_reason": "",
                }
            ],
        )
        assert not writer.post_while_waiting(seconds=1.5)  # it waits for the lock the close holds
        time.sleep(0.5)
        rec.finish(action="period.close", entity="period", entity_key=JUNE.text)
    writer.finish()
    assert isinstance(writer.error, InputError) and "period 2026-06 is closed" in str(writer.error)
    with ledger.read() as session:
        assert entries_by(session, date(2026, 6, 30)) == 1  # CLMA's charge only
