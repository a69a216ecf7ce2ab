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


# Money rows (revision 0007): each row's hash chains the one before it in its event.
plain = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text(max_size=12))
money_rows = st.lists(st.tuples(plain, plain, plain), max_size=8)


@given(st.lists(money_rows, max_size=4))
def test_chained_row_hashes_do_not_depend_on_batching(batches):
    from ar_cli.domain.audit import chain_row_hashes, row_hash

    digest = RowsDigest()
    got = [h for batch in batches for h in digest.chain("ledger_entry", batch)]
    prev, want = "", []
    for row in (r for batch in batches for r in batch):
        prev = row_hash(prev, row)
        want.append(prev)
    assert got == want == chain_row_hashes("", [r for batch in batches for r in batch])
    assert digest.tables.get("ledger_entry", (0, ""))[0] == len(want)


@given(money_rows, st.integers(min_value=0, max_value=2), st.text(max_size=4))
def test_any_changed_value_changes_the_row_hash(rows, column, text):
    from ar_cli.domain.audit import chain_row_hashes

    if not rows:
        return
    changed = list(rows[0])
    if changed[column] == text:
        return
    changed[column] = text
    assert chain_row_hashes("", [tuple(changed)])[0] != chain_row_hashes("", rows[:1])[0]


@given(
    st.dictionaries(
        st.sampled_from(["denial", "ledger_entry", "remittance"]),
        st.tuples(st.integers(min_value=1, max_value=10**6), st.text("0123456789abcdef", min_size=32, max_size=32)),
    ),
    st.dictionaries(
        st.tuples(st.sampled_from(["denial", "remittance"]), st.integers(min_value=1, max_value=999)),
        st.text("0123456789abcdef", min_size=32, max_size=32),
    ),
    st.integers(min_value=0, max_value=10**7),
)
def test_a_manifest_reads_back_as_written(tables, changed, other):
    from ar_cli.domain.audit import Manifest

    manifest = Manifest(tables=tables, changed=changed, other_count=other, other_digest="f" * 64)
    assert Manifest.parse(manifest.text()) == manifest


def test_an_enum_is_refused_rather_than_hashed_as_its_repr():
    import enum

    import pytest

    from ar_cli.domain.audit import chain_row_hashes

    class Kind(str, enum.Enum):  # noqa: UP042 - the (str, Enum) spelling other libraries hand over is the case tested
        CHARGE = "charge"

    with pytest.raises(ValueError):
        chain_row_hashes("", [(Kind.CHARGE,)])


# Row encoding 2 (revision 0009): the canonical row text, hashed the same way.
dated = st.one_of(plain, st.dates(), st.datetimes(timezones=st.just(__import__("datetime").UTC)))
text_rows = st.lists(st.tuples(dated, dated, dated), max_size=8)


@given(st.lists(text_rows, max_size=4))
def test_text_row_hashes_do_not_depend_on_batching(batches):
    from ar_cli.domain.audit import ENCODING_JSON, chain_row_hashes, row_hash, row_text, text_row_hash

    digest = RowsDigest(ENCODING_JSON)
    got = [h for batch in batches for h in digest.chain("ledger_entry", batch)]
    prev, want = "", []
    for row in (r for batch in batches for r in batch):
        assert row_hash(prev, row, ENCODING_JSON) == text_row_hash(prev, row_text(row))
        prev = row_hash(prev, row, ENCODING_JSON)
        want.append(prev)
    assert got == want == chain_row_hashes("", [r for batch in batches for r in batch], ENCODING_JSON)
    assert digest.manifest({}).encoding == ENCODING_JSON


@given(text_rows, st.integers(min_value=0, max_value=2), plain)
def test_any_changed_value_changes_the_text_row_hash(rows, column, value):
    from ar_cli.domain.audit import ENCODING_JSON, chain_row_hashes

    if (
        not rows
        or rows[0][column] == value
        or (type(rows[0][column]) is not type(value) and (str(rows[0][column]) == str(value)))
    ):
        return
    changed = list(rows[0])
    changed[column] = value
    assert chain_row_hashes("", [tuple(changed)], ENCODING_JSON)[0] != chain_row_hashes("", rows[:1], ENCODING_JSON)[0]


def test_the_two_encodings_hash_differently_and_their_manifests_say_which():
    from ar_cli.domain.audit import ENCODING_JSON, ENCODING_MARSHAL, Manifest, chain_row_hashes

    row = [(1, "CO", None)]
    assert chain_row_hashes("", row, ENCODING_MARSHAL) != chain_row_hashes("", row, ENCODING_JSON)
    for encoding, header in ((ENCODING_MARSHAL, "rows v2"), (ENCODING_JSON, "rows v2 json")):
        manifest = Manifest(tables={"denial": (1, "a" * 32)}, encoding=encoding)
        assert manifest.text().splitlines()[0] == header
        assert Manifest.parse(manifest.text()) == manifest
