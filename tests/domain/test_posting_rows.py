"""The rows ERA posting writes, built without a database (domain/posting/rows.py):
entries in column order with transfer pairs sharing a group number counted per file,
and a reversal's entries pointing at the original entries they negate."""

from ar_cli.domain.posting.rows import (
    ENTRY_KEYS,
    TRANSFER_GROUP_BASE,
    EntryStamp,
    entry_rows,
    linked_to_originals,
)
from ar_cli.domain.posting.values import EntryKind, PlannedEntry

STAMP = EntryStamp(
    event_id=7,
    user="ana",
    payer_id=3,
    posting_date="2026-06-30",
    effective_date="2026-06-01",
    remittance_id=11,
    source_id=5,
    ref="trace T1 segment ",
)


def _entries(sign: int = 1) -> list[PlannedEntry]:
    return [
        PlannedEntry(claim_line_id=21, responsibility=1, kind=EntryKind.PAYMENT, amount=-8000 * sign, segment=9),
        PlannedEntry(
            claim_line_id=21,
            responsibility=1,
            kind=EntryKind.CONTRACTUAL,
            amount=-1500 * sign,
            group="CO",
            reason_code="45",
            segment=10,
        ),
        PlannedEntry(
            claim_line_id=21,
            responsibility=1,
            kind=EntryKind.TRANSFER,
            amount=-500 * sign,
            group="PR",
            reason_code="2",
            remark_codes=("N1", "M2"),
            transfer_key=1,
            segment=11,
        ),
        PlannedEntry(
            claim_line_id=21,
            responsibility=0,
            kind=EntryKind.TRANSFER,
            amount=500 * sign,
            group="PR",
            reason_code="2",
            transfer_key=1,
            segment=11,
        ),
    ]


def _as_dict(row: tuple) -> dict:
    return dict(zip(ENTRY_KEYS, row, strict=True))


def test_entry_rows_in_column_order_with_transfer_pairs_grouped():
    rows, transfers = entry_rows(42, _entries(), STAMP, 6)
    assert transfers == 7
    first, _, giver, receiver = (_as_dict(r) for r in rows)
    assert first == {
        "adjustment_group": "",
        "amount": -8000,
        "audit_event_id": 7,
        "claim_id": 42,
        "created_by": "ana",
        "effective_date": "2026-06-01",
        "kind": "payment",
        "line_id": 21,
        "payer_id": 3,
        "posting_date": "2026-06-30",
        "reason_code": "",
        "remark_codes": "",
        "remittance_id": 11,
        "responsibility": 1,
        "reverses_id": None,
        "source_file_id": 5,
        "source_ref": "trace T1 segment 9",
        "transfer_group": None,
    }
    assert giver["transfer_group"] == receiver["transfer_group"] == 5 * TRANSFER_GROUP_BASE + 7
    assert giver["remark_codes"] == "N1:M2"
    # The next claim's transfers go on counting.
    again, transfers = entry_rows(43, _entries(), STAMP, transfers)
    assert transfers == 8 and _as_dict(again[2])["transfer_group"] == 5 * TRANSFER_GROUP_BASE + 8


def test_a_reversal_points_at_each_entry_it_negates_once():
    rows, _ = entry_rows(42, _entries(sign=-1), STAMP, 0)
    originals = [
        (101, 21, 1, "payment", "", "", -8000),
        (102, 21, 1, "contractual", "CO", "45", -1500),
        (103, 21, 1, "transfer", "PR", "2", -500),
        (104, 21, 0, "transfer", "PR", "2", 500),
    ]
    linked = linked_to_originals(rows, originals)
    assert [_as_dict(r)["reverses_id"] for r in linked] == [101, 102, 103, 104]
    # Everything else is left as it was.
    assert [r[:14] + r[15:] for r in linked] == [r[:14] + r[15:] for r in rows]
    # An original entry is negated once; an entry with none to negate stays unlinked.
    twice = linked_to_originals(rows + rows[:1], originals[:1])
    assert [_as_dict(r)["reverses_id"] for r in twice] == [101, None, None, None, None]
