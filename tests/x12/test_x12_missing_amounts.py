"""SVC02 and SVC03 are required: an empty one is named on the service line
(missing_amounts), never taken silently as $0.00 (issue 13 item 5)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ar_cli.domain.remittance.advice import ClaimPayment
from ar_cli.x12 import read_835

amount = st.one_of(st.just(""), st.integers(0, 99999).map(lambda c: f"{c / 100:.2f}"))


def _read_line(charge: str, paid: str):
    body = [
        "ST*835*0001",
        "BPR*I*0*C*NON************20260510",
        "TRN*1*T1*1X",
        "N1*PR*PAYER*XV*X",
        "N1*PE*CLINIC*XX*1999999984",
        "LX*1",
        "CLP*C1*1*10*0**12*P1*11*1",
        f"SVC*HC:99213*{charge}*{paid}**1",
        "DTM*472*20260401",
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.835"
        path.write_text("~".join(body) + "~")
        (payment,) = [e for e in read_835(path) if isinstance(e, ClaimPayment)]
    return payment.lines[0]


@settings(max_examples=60, deadline=None)
@given(amount, amount)
def test_an_empty_line_amount_is_named_not_zero(charge, paid):
    line = _read_line(charge, paid)
    assert line.missing_amounts == tuple(name for name, text in (("SVC02", charge), ("SVC03", paid)) if not text)
    assert line.charge == (round(float(charge) * 100) if charge else 0)
    assert line.paid == (round(float(paid) * 100) if paid else 0)
