"""A parked claim payment is kept whole but for names, and read back equal."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import given
from hypothesis import strategies as st

from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.domain.remittance.payload import PHI_FIELDS, from_payload, to_payload
from ar_cli.x12.errors import X12Error
from ar_cli.x12.remittance_835 import read_835
from conftest import REPO
from domain.test_posting_builders import adj, payment, service


def _without_names(p: ClaimPayment) -> ClaimPayment:
    return dataclasses.replace(p, **{name: None for name in PHI_FIELDS})


def _round_trip(p: ClaimPayment) -> ClaimPayment:
    return from_payload(json.loads(json.dumps(to_payload(p))))


def _payments(paths):
    for path in paths:
        try:
            yield from (e for e in read_835(path) if isinstance(e, ClaimPayment))
        except X12Error:
            continue  # the 837s and broken files: the reader's own tests cover them


def test_every_real_claim_payment_reads_back_equal_without_names(shared_x12):
    paths = sorted((REPO / "sample_data" / "eras").glob("*.835")) + sorted(shared_x12.iterdir())
    seen = 0
    for p in _payments(paths):
        assert _round_trip(p) == _without_names(p), p.claim_number
        seen += 1
    assert seen > 200


def test_no_name_or_member_id_is_kept():
    kept = to_payload(payment("1", service("99213", 10000, 8000, adj("CO", "45", 2000))))
    assert not PHI_FIELDS & set(kept)
    assert "DOE" not in json.dumps(kept) and "MBR1" not in json.dumps(kept)


@given(
    st.lists(
        st.tuples(st.sampled_from(["99213", "36415", "80053"]), st.integers(0, 90000), st.integers(0, 5000)), max_size=5
    ),
    st.sampled_from(["1", "2", "4", "19", "22"]),
)
def test_any_built_payment_reads_back_equal(lines, status):
    built = payment(status, *[service(code, paid + down, paid, adj("CO", "45", down)) for code, paid, down in lines])
    assert _round_trip(built) == _without_names(built)
