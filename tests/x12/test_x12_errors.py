"""What the readers refuse (X12Error, one exact line) and what they only warn about."""

from __future__ import annotations

from pathlib import Path

import pytest

from ar_cli.domain.errors import InputError
from ar_cli.x12 import X12Error, read_835, read_remittances, read_segments

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250301*0900*^*00501*000000001*0*T*:"
# Segment numbers: ISA 1, GS 2, ST 3, BPR 4, TRN 5, N1 6, N1 7, LX 8, CLP 9, NM1 10, SVC 11,
# DTM 12, SE 13, GE 14, IEA 15. The patient's name and id say SECRET: no message may.
SEGMENTS = [
    ISA,
    "GS*HP*SENDER*RECEIVER*20250301*0900*1*X*005010X221A1",
    "ST*835*0001",
    "BPR*I*100.00*C*CHK************20250305",
    "TRN*1*CHK1*1512345678",
    "N1*PR*PLAN",
    "N1*PE*CLINIC*XX*1999999984",
    "LX*1",
    "CLP*CLM1*1*100.00*100.00**12*PCN1",
    "NM1*QC*1*SECRETLAST*SECRETFIRST****MI*SECRETID",
    "SVC*HC:99213*100.00*100.00**1",
    "DTM*472*20250220",
    "SE*11*0001",
    "GE*1*1",
    "IEA*1*000000001",
]


def era(tmp_path: Path, content: str | bytes | list[str], name: str = "era.835") -> Path:
    if isinstance(content, list):
        content = "~\n".join(content) + "~\n"
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def replaced(index: int, segment: str) -> list[str]:
    """SEGMENTS with segment number `index` (1-based) replaced."""
    changed = list(SEGMENTS)
    changed[index - 1] = segment
    return changed


def refusal(path: Path) -> str:
    with pytest.raises(X12Error) as caught:
        read_remittances(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "SECRET" not in message
    assert isinstance(caught.value, InputError)
    assert str(caught.value.problem) == message
    return message


def warnings(path: Path) -> list[str]:
    return [str(w) for r in read_remittances(path) for w in r.warnings]


def test_the_base_file_reads_cleanly(tmp_path: Path) -> None:
    [remittance] = read_remittances(era(tmp_path, SEGMENTS))
    assert remittance.warnings == ()
    assert remittance.claims[0].paid == 10000


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "era.835: segment 1: ISA: the file is empty (expected an X12 interchange)"),
        (b"\r\n  \n", "era.835: segment 1: ISA: the file is empty (expected an X12 interchange)"),
        (b"hello, world\n", "era.835: segment 1: ISA: not an X12 interchange (expected 'ISA' at the start)"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "era.835: segment 1: ISA: not an X12 interchange (expected 'ISA' at the start)"),
        (b"\x00\x01\x02\xff" * 50, "era.835: segment 1: ISA: not an X12 interchange (expected 'ISA' at the start)"),
        (b"ISA*00*          *00*", "era.835: segment 1: ISA: damaged interchange header (found 4 of its 16 element separators)"),
        (b"ISA\x00\x01", "era.835: segment 1: ISA: damaged interchange header (no element separator after 'ISA')"),
        (
            (ISA[:-2] + "~GS*HP*1*2*3*4*5*6*7~").encode(),
            "era.835: segment 1: ISA16: damaged interchange header (the component separator is not a punctuation mark)",
        ),
        (
            (ISA[:-2] + "~GS*:~ST*835*1~").encode(),
            "era.835: segment 1: ISA: damaged interchange header (a segment terminator inside it: an element is missing)",
        ),
        (
            (ISA[:-1] + "A~").encode(),
            "era.835: segment 1: ISA16: damaged interchange header (the component separator is not a punctuation mark)",
        ),
        (
            (ISA + "X").encode(),
            "era.835: segment 1: ISA16: damaged interchange header (no segment terminator after ISA16)",
        ),
        (ISA.encode(), "era.835: segment 1: ISA: the file ends inside the interchange header"),
        (b"ST*835*1234", "era.835: segment 1: ST: no segment terminator after the first segment"),
    ],
    ids=[
        "empty", "blank", "text", "pdf", "binary", "short-isa", "isa-no-separator", "isa-missing-element",
        "isa-missing-element-2",
        "isa16-letter", "isa-no-terminator", "isa-cut", "st-no-terminator",
    ],
)  # fmt: skip
def test_not_x12(tmp_path: Path, content: bytes, expected: str) -> None:
    assert refusal(era(tmp_path, content)) == expected
    with pytest.raises(X12Error):
        list(read_segments(tmp_path / "era.835"))


def test_a_file_cut_inside_a_segment(tmp_path: Path) -> None:
    text = "~".join(SEGMENTS)
    cut = text[: text.index("*100.00**12*PCN1") + 4]  # inside CLP04
    # The end of the file ends the cut CLP; the transaction then has no SE: refused.
    assert refusal(era(tmp_path, cut)) == (
        "era.835: segment 10: SE: transaction '0001' (from segment 3) has no SE at the end of the file: "
        "claims may be missing (its last segment has no terminator: the file looks cut short)"
    )


def test_a_file_that_ends_inside_a_transaction(tmp_path: Path) -> None:
    assert refusal(era(tmp_path, SEGMENTS[:11])) == (
        "era.835: segment 12: SE: transaction '0001' (from segment 3) has no SE at the end of the file: "
        "claims may be missing"
    )


def test_a_new_transaction_before_se(tmp_path: Path) -> None:
    assert refusal(era(tmp_path, [*SEGMENTS[:11], "ST*835*0002", *SEGMENTS[11:]])) == (
        "era.835: segment 12: ST: transaction '0001' (from segment 3) has no SE before it: claims may be missing"
    )


def test_binary_data_inside_a_segment(tmp_path: Path) -> None:
    content = ("~".join(SEGMENTS) + "~").replace("CHK1", "CH\x00K1").encode()
    assert refusal(era(tmp_path, content)) == (
        "era.835: segment 5: TRN02: binary data (byte 0x00) where text was expected"
    )


@pytest.mark.parametrize(
    ("index", "segment", "expected"),
    [
        (9, "CLP*CLM1*1*100.00*SECRETLAST**12*PCN1", "segment 9: CLP04: the value is not an amount"),
        (9, "CLP*CLM1*1*100.00", "segment 9: CLP04: missing; expected an amount"),
        (9, "CLP**1*100.00*100.00", "segment 9: CLP01: missing claim number"),
        (9, "CLP*CLM1**100.00*100.00", "segment 9: CLP02: missing claim status"),
        (9, "CLP*CLM1*1*1e3*100.00", "segment 9: CLP03: the value is not an amount"),
        (4, "BPR*I*ABC*C*CHK************20250305", "segment 4: BPR02: the value is not an amount"),
        (4, "BPR*I*12.345*C*CHK************20250305", "segment 4: BPR02: '12.345' has a fraction of a cent"),
        (4, "BPR*I*1,000.00*C*CHK************20250305", "segment 4: BPR02: '1,000.00' is not an amount"),
        (4, "BPR*I", "segment 4: BPR02: missing; expected an amount"),
        (4, "REF*EV*X", "segment 8: BPR: the remittance has no payment (BPR) before its claims"),
        (12, "CAS*XX*45*1.00", "segment 12: CAS01: 'XX' is not an adjustment group (CO, PR, OA, PI)"),
        (12, "CAS*CO*45", "segment 12: CAS03: missing; expected an amount"),
        (12, "CAS*CO**1.00", "segment 12: CAS02: missing adjustment reason code"),
        (12, "CAS*PR*1*5.00*1*2*SECRETID", "segment 12: CAS06: the value is not an amount"),
        (12, "AMT*B6*lots", "segment 12: AMT02: the value is not an amount"),
        (11, "SVC*HC:99213*1OO.00*100.00", "segment 11: SVC02: the value is not an amount"),
        (8, "CAS*CO*45*1.00", "segment 8: CAS: outside a claim payment (no CLP before it)"),
        (12, "PLB*1999999984*20251231*WO:1*", "segment 12: PLB04: missing; expected an amount"),
        (12, "PLB**20251231*WO:1*1.00", "segment 12: PLB01: missing provider identifier"),
        (12, "PLB*1999999984*20251231*", "segment 12: PLB03: missing adjustment reason code"),
        (3, "ST*837*0001*005010X222A1", "segment 3: ST01: transaction set '837' is not an 835 remittance"),
        (14, "CLP*CLM2*1*1*1", "segment 14: CLP: outside a transaction (no ST before it)"),
        (12, "GE*1*1", "segment 12: GE: transaction '0001' (from segment 3) has no SE before it: claims may be missing"),
        (12, "s@y*1", "segment 12: ?: not a segment (it does not start with a segment tag)"),
    ],
)  # fmt: skip
def test_refused_content(tmp_path: Path, index: int, segment: str, expected: str) -> None:
    assert refusal(era(tmp_path, replaced(index, segment))) == f"era.835: {expected}"


def test_an_envelope_without_transactions(tmp_path: Path) -> None:
    content = [SEGMENTS[0], SEGMENTS[1], "GE*0*1", "IEA*1*000000001"]
    assert refusal(era(tmp_path, content)) == "era.835: segment 5: ST: the file holds no 835 transaction"


def test_files_that_cannot_be_opened(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nope.835") == "nope.835: cannot be read (No such file or directory)"
    (tmp_path / "folder.835").mkdir()
    assert refusal(tmp_path / "folder.835") == "folder.835: cannot be read (Is a directory)"


def test_errors_stop_the_stream_after_what_was_read(tmp_path: Path) -> None:
    events = read_835(era(tmp_path, replaced(12, "CAS*CO*45*x")))
    assert type(next(events)).__name__ == "RemittanceStarted"
    with pytest.raises(X12Error, match="segment 12: CAS03"):
        next(events)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({13: "SE*12*0001"}, ["segment 13: SE01: says '12' segments, the transaction has 11"]),
        ({13: "SE*eleven*0001"}, ["segment 13: SE01: 'eleven' is not a segment count (the transaction has 11)"]),
        ({13: "SE*11*0002"}, ["segment 13: SE02: control number '0002' differs from ST02 '0001'"]),
        ({14: "GE*2*9"}, [
            "segment 14: GE01: says '2' transactions, the group has 1",
            "segment 14: GE02: control number '9' differs from GS06 '1'",
        ]),
        ({15: "IEA*3*000000009"}, [
            "segment 15: IEA01: says '3' groups, the interchange has 1",
            "segment 15: IEA02: control number '000000009' differs from ISA13 '000000001'",
        ]),
        ({4: "BPR*I*100.00*C*CHK"}, ["segment 4: BPR16: missing payment date"]),
        ({4: "BPR*I*-100.00*C*CHK************20250305", 9: "CLP*CLM1*1*100.00*-100.00**12*PCN1"}, [
            "segment 4: BPR02: the payment amount is negative (it never should be)",
        ]),
        ({12: "DTM*472*20250230"}, ["segment 12: DTM02: not a valid date (expected CCYYMMDD)"]),
        ({9: "CLP*CLM1*7*100.00*100.00**12*PCN1"}, ["segment 9: CLP02: '7' is not a known claim status"]),
        ({12: "CAS*CR*45*0"}, ["segment 12: CAS01: group CR is 4010-only; read as CO"]),
        ({11: "SVC*99213*100.00*100.00**1"}, ["segment 11: SVC01: has no code qualifier (expected e.g. 'HC:99213')"]),
        ({11: "SVC**100.00*100.00**1"}, ["segment 11: SVC01: missing procedure code"]),
        ({5: "REF*EV*X"}, ["segment 8: TRN: the remittance has no trace number (TRN)"]),
        ({6: "REF*EV*X"}, ["segment 8: N1: the remittance names no payer (N1*PR)"]),
        ({12: "PLB*1999999984*2025*L6*0"}, ["segment 12: PLB02: '2025' is not a date (expected CCYYMMDD)"]),
    ],
)  # fmt: skip
def test_warnings(tmp_path: Path, changes: dict[int, str], expected: list[str]) -> None:
    content = list(SEGMENTS)
    for index, segment in changes.items():
        content[index - 1] = segment
    assert warnings(era(tmp_path, content)) == [f"era.835: {w}" for w in expected]


def test_missing_closing_envelope_is_a_warning(tmp_path: Path) -> None:
    assert warnings(era(tmp_path, SEGMENTS[:13])) == [
        "era.835: segment 13: GE: group '1' (segment 2) has no GE",
        "era.835: segment 13: IEA: interchange '000000001' (segment 1) has no IEA",
    ]


def test_envelope_faults_of_an_empty_interchange_go_to_the_next_transaction(tmp_path: Path) -> None:
    empty = [SEGMENTS[0], "IEA*1*000000001"]
    first, second = read_remittances(era(tmp_path, [*SEGMENTS, *empty, *SEGMENTS]))
    assert first.warnings == ()
    assert [str(w) for w in second.warnings] == ["era.835: segment 17: IEA01: says '1' groups, the interchange has 0"]


def test_a_warning_repeated_on_every_line_is_reported_once(tmp_path: Path) -> None:
    line = ["SVC*HC>99213*100.00*100.00**1", "DTM*472*20250220"]
    content = [*SEGMENTS[:10], *line, *line, *line, "SE*15*0001", *SEGMENTS[13:]]
    content[8] = "CLP*CLM1*1*300.00*300.00**12*PCN1"
    content[3] = "BPR*I*300.00*C*CHK************20250305"
    assert warnings(era(tmp_path, content)) == [
        "era.835: segment 11: SVC01: components separated by '>', not the declared ':'"
    ]
