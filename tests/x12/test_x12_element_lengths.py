"""An element longer than X12 allows is refused by the reader (one line, exit 2), not
stored: PostgreSQL's bounded columns failed such a value with exit 70 (issue #14 item 9:
the fuzz run's `CAS*PR*-99999999999.99*18.39`)."""

from __future__ import annotations

import pytest

from ar_cli.x12 import X12Error, read_remittances

SEGMENTS = [
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250301*0900*^*00501*000000001*0*T*:",
    "GS*HP*SENDER*RECEIVER*20250301*0900*1*X*005010X221A1",
    "ST*835*0001",
    "BPR*I*100.00*C*CHK************20250305",
    "TRN*1*CHK1*1512345678",
    "N1*PR*PLAN",
    "N1*PE*CLINIC*XX*1999999984",
    "LX*1",
    "CLP*CLM1*1*100.00*100.00**12*PCN1",
    "NM1*QC*1*LAST*FIRST****MI*ID1",
    "SVC*HC:99213*100.00*100.00**1",
    "DTM*472*20250220",
    "SE*11*0001",
    "GE*1*1",
    "IEA*1*000000001",
]


def era(tmp_path, segments):
    path = tmp_path / "era.835"
    path.write_text("~\n".join(segments) + "~\n")
    return path


def refusal(path) -> str:
    with pytest.raises(X12Error) as caught:
        read_remittances(path)
    return str(caught.value)


# Segment 12 is the line's DTM; an adjustment goes after it (CAS02 is AN 1/5 in X12).
CAS_AT = 12


def with_cas(cas: str) -> list[str]:
    changed = list(SEGMENTS)
    changed.insert(CAS_AT, cas)
    changed[CAS_AT + 1] = "SE*12*0001"
    return changed


@pytest.mark.parametrize(
    "cas,element",
    [
        ("CAS*PR*-99999999999.99*18.39", "CAS02"),  # the usual one-triplet form
        ("CAS*CO*48822531033*10.00", "CAS02"),
        ("CAS*CO*45*5.00**253253*1.00", "CAS05"),  # a later triplet
    ],
)
def test_a_reason_code_longer_than_five_characters_is_refused(tmp_path, cas, element):
    message = refusal(era(tmp_path, with_cas(cas)))
    assert message == f"era.835: segment {CAS_AT + 1}: {element}: adjustment reason code is longer than 5 characters"


def test_five_characters_are_read(tmp_path):
    (remittance,) = read_remittances(era(tmp_path, with_cas("CAS*CO*ABCDE*0.00")))
    assert remittance
