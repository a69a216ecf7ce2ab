"""The audit digest of written rows is a fixed byte stream: `audit verify` and every
stored event depend on it, so a faster way of building it must give the same bytes."""

import hashlib
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.audit import RowsDigest

values = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.dates(min_value=date(2000, 1, 1)))
rows = st.lists(st.tuples(values, values, values), max_size=6)


def _reference(batches) -> str:
    """One update per row, as the digest was first defined."""
    h = hashlib.sha256()
    for table, keys, batch in batches:
        prefix = table + "\x1e" + "\x1f".join(keys) + "\x1e"
        for row in batch:
            h.update(f"{prefix}{row!r}\n".encode())
    return h.hexdigest()


@given(st.lists(st.tuples(st.sampled_from(["ledger_entry", "denial"]), rows), max_size=4))
def test_batched_digest_is_the_per_row_stream(batches):
    keyed = [(table, ["amount", "claim_id", "kind"], batch) for table, batch in batches]
    digest = RowsDigest()
    for table, keys, batch in keyed:
        digest.add_tuples(table, keys, batch)
    assert digest.hexdigest() == _reference(keyed)
    assert digest.count == sum(len(b) for _, _, b in keyed)


def test_dict_rows_digest_as_their_sorted_tuples():
    by_dict, by_tuple = RowsDigest(), RowsDigest()
    by_dict.add("claim", {"status": "paid", "id": 7})
    by_tuple.add_tuples("claim", ["id", "status"], [(7, "paid")])
    assert by_dict.hexdigest() == by_tuple.hexdigest()
