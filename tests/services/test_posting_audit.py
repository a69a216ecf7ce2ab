"""`audit verify` and the posting rows (revision 0010): a posting is a covered table
of its own, and its columns are part of every entry's row in the ledger_entry view, so
inserting, deleting or changing a posting row is named (the posting, and the entries
it breaks); an entry left without its posting still shows, with no audit event. On
SQLite and PostgreSQL, the sample practice posted by this code."""

from __future__ import annotations

import pytest

from ar_cli.reports.audit.verify import verify_ledger
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_files
from conftest import POSTING, REPO
from ledger_tamper import raw as _raw

SAMPLE = REPO / "sample_data"


@pytest.fixture
def sample(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


def _messages(ledger) -> dict[tuple[str, str], list[str]]:
    out: dict = {}
    for f in verify_ledger(ledger).findings:
        out.setdefault((f.check, f.ref), []).append(f.message)
    return out


def _remittance_posting(ledger) -> tuple[int, int, int]:
    """An ERA remittance's posting: (id, its event, how many entries it holds)."""
    return _raw(
        ledger,
        (
            "SELECT p.id, p.audit_event_id, count(e.id) FROM posting p JOIN posting_entry e ON e.posting_id = p.id "
            "WHERE p.remittance_id IS NOT NULL GROUP BY p.id, p.audit_event_id ORDER BY p.id LIMIT 1",
            (),
        ),
    )[0]


def test_the_remittance_entries_share_one_posting_with_their_trace_as_prefix(sample):
    rows = _raw(
        sample,
        (
            "SELECT p.source_ref, e.source_ref, v.source_ref FROM posting p JOIN posting_entry e "
            "ON e.posting_id = p.id JOIN ledger_entry v ON v.id = e.id WHERE p.remittance_id IS NOT NULL",
            (),
        ),
    )
    assert rows and all(prefix.startswith("trace ") and prefix.endswith(" segment ") for prefix, _, _ in rows)
    assert all(own.isdigit() and whole == prefix + own for prefix, own, whole in rows)
    assert verify_ledger(sample).clean


def test_a_posting_date_changed_on_a_posting_is_named_with_its_entries(sample):
    posting_id, event, count = _remittance_posting(sample)
    _raw(sample, ("UPDATE posting SET posting_date = '2026-05-15' WHERE id = ?", (posting_id,)))
    found = _messages(sample)
    assert found[("rows", f"posting {posting_id}")] == [
        f"differs from what event {event} wrote (changed after, or a row before it was removed)"
    ]
    assert len([key for key in found if key[1].startswith("ledger_entry ")]) == count


def test_a_deleted_posting_is_named_and_its_entries_show_unaudited(sample):
    posting_id, event, count = _remittance_posting(sample)
    _raw(sample, ("DELETE FROM posting WHERE id = ?", (posting_id,)))
    found = _messages(sample)
    assert any(
        m.startswith(f"wrote {n} posting row(s)") and m.endswith("rows removed")
        for n in range(1, 1000)
        for m in found.get(("rows", f"event {event}"), [])
    )
    unaudited = [key for key in found if key[0] == "unaudited" and key[1].startswith("ledger entry ")]
    assert len(unaudited) == count


def test_an_inserted_posting_is_named(sample):
    posting_id, event, _ = _remittance_posting(sample)
    columns = "posting_date, effective_date, payer_id, source_file_id, remittance_id, source_ref, audit_event_id, "
    columns += "created_by, row_hash"
    _raw(sample, (f"INSERT INTO posting ({columns}) SELECT {columns} FROM posting WHERE id = ?", (posting_id,)))
    (new_id,) = _raw(sample, ("SELECT max(id) FROM posting", ()))[0]
    found = _messages(sample)
    assert any(f"event {event}" in m for m in found[("rows", f"posting {new_id}")])


def test_an_entry_moved_to_another_posting_is_named(sample):
    posting_id, _, _ = _remittance_posting(sample)
    (entry_id,) = _raw(sample, ("SELECT min(id) FROM posting_entry WHERE posting_id <> ?", (posting_id,)))[0]
    _raw(sample, ("UPDATE posting_entry SET posting_id = ? WHERE id = ?", (posting_id, entry_id)))
    assert ("rows", f"ledger_entry {entry_id}") in _messages(sample)
