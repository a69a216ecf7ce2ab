"""The segment reader: delimiters from each ISA, layouts, numbering, chunking."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_cli.x12 import Delimiters, Segment, read_segments, split_composite

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"
ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250301*0900*^*00501*000000001*0*T*:~"
BODY = ["GS*HP*S*R*20250301*0900*1*X*005010X221A1", "ST*835*0001", "SE*2*0001", "GE*1*1", "IEA*1*000000001"]


def write(tmp_path: Path, content: str | bytes, name: str = "era.835") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def tags(path: Path, **kwargs: int) -> list[str]:
    return [segment.tag for segment in read_segments(path, **kwargs)]


def test_delimiters_come_from_the_isa(tmp_path: Path) -> None:
    segments = list(read_segments(write(tmp_path, ISA + "~".join(BODY) + "~")))
    assert [s.number for s in segments] == [1, 2, 3, 4, 5, 6]
    assert segments[0].delimiters == Delimiters("*", ":", "^", "~")
    assert segments[0].elements[16] == ":"
    assert segments[2] == Segment(3, "ST", ("ST", "835", "0001"), Delimiters("*", ":", "^", "~"))
    assert segments[2].element(2) == "0001"
    assert segments[2].element(9) == ""


def test_isa_fields_of_odd_width_are_found_by_counting_separators(tmp_path: Path) -> None:
    # Not padded to 106 characters: fixed offsets would read garbage here.
    short = "ISA*00**00**ZZ*S*ZZ*R*250301*0900*^*00501*1*0*T*>!"
    body = "!".join(BODY) + "!"
    segments = list(read_segments(write(tmp_path, short + body)))
    assert segments[0].delimiters == Delimiters("*", ">", "^", "!")
    assert [s.tag for s in segments] == ["ISA", "GS", "ST", "SE", "GE", "IEA"]


def test_4010_isa11_is_not_a_repetition_separator(tmp_path: Path) -> None:
    isa = ISA.replace("*^*00501*", "*U*00401*")
    [first, *_] = read_segments(write(tmp_path, isa + "~".join(BODY) + "~"))
    assert first.delimiters.repetition == ""


@pytest.mark.parametrize(
    "layout",
    ["~", "~\n", "~\r\n", "~\n\n", "~\n   ", "~\r\n\t"],
    ids=["one-line", "newline", "crlf", "blank-lines", "indented", "crlf-tab"],
)
def test_layout_between_segments_is_ignored(tmp_path: Path, layout: str) -> None:
    path = write(tmp_path, layout.join([ISA[:-1], *BODY]) + layout)
    assert [(s.tag, s.elements) for s in read_segments(path)][1:] == [
        (b.split("*")[0], tuple(b.split("*"))) for b in BODY
    ]


def test_byte_order_mark_and_leading_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf\r\n\r\n" + (ISA + "~".join(BODY) + "~").encode())
    assert tags(path) == ["ISA", "GS", "ST", "SE", "GE", "IEA"]


def test_spaces_inside_elements_are_kept(tmp_path: Path) -> None:
    body = ["GS*HP*S*R*20250301*0900*1*X*005010X221A1", "ST*835*0001", "NM1*QC*1* DOE *JO  ", "SE*3*0001"]
    segments = list(read_segments(write(tmp_path, ISA + "~\n".join(body) + "~\n")))
    assert segments[3].elements == ("NM1", "QC", "1", " DOE ", "JO  ")


def test_newline_terminator_with_a_tilde_at_the_start_of_every_line(tmp_path: Path) -> None:
    # The TigerShark layout: ISA16 is followed by a newline, each later line by '~'.
    isa = ISA.replace("*", "|")[:-1].replace("|:", "|^")
    text = isa + "\n" + "".join("~" + b.replace("*", "|") + "\n" for b in BODY)
    segments = list(read_segments(write(tmp_path, text)))
    assert segments[0].delimiters == Delimiters("|", "^", "", "\n")
    assert [s.elements for s in segments[1:]] == [tuple(b.split("*")) for b in BODY]


def test_a_file_without_envelope_starts_at_st(tmp_path: Path) -> None:
    segments = list(read_segments(write(tmp_path, "ST*835*1234~BPR*I*1.00*C*CHK~SE*3*1234~")))
    assert [s.tag for s in segments] == ["ST", "BPR", "SE"]
    assert segments[0].delimiters == Delimiters("*", ":", "", "~")


def test_a_file_without_envelope_and_newline_terminators(tmp_path: Path) -> None:
    segments = list(read_segments(write(tmp_path, "ST*835*1234\r\nBPR*I*1.00\r\nSE*3*1234\r\n")))
    assert [s.elements for s in segments] == [("ST", "835", "1234"), ("BPR", "I", "1.00"), ("SE", "3", "1234")]


def test_each_interchange_declares_its_own_delimiters(tmp_path: Path) -> None:
    second = ISA.replace("*", "|").replace("|:~", "|>\n").replace("|^|", "|!|")
    text = ISA + "~".join(BODY) + "~\n" + second + "\n".join(b.replace("*", "|") for b in BODY) + "\n"
    segments = list(read_segments(write(tmp_path, text)))
    assert [s.tag for s in segments] == ["ISA", "GS", "ST", "SE", "GE", "IEA"] * 2
    assert segments[5].delimiters == Delimiters("*", ":", "^", "~")
    assert segments[6].delimiters == Delimiters("|", ">", "!", "\n")
    assert segments[8].elements == ("ST", "835", "0001")
    assert [s.number for s in segments] == list(range(1, 13))


def test_isa_in_the_data_is_not_a_new_interchange(tmp_path: Path) -> None:
    body = [*BODY[:2], "NM1*QC*1*LISA*ISA*ISA", "SE*3*0001", *BODY[3:]]
    segments = list(read_segments(write(tmp_path, ISA + "~".join(body) + "~")))
    assert segments[3].elements == ("NM1", "QC", "1", "LISA", "ISA", "ISA")


def test_split_composite() -> None:
    assert split_composite("HC:99213:25:59", ":") == ("HC", "99213", "25", "59")
    assert split_composite("HC>55669", ":") == ("HC", "55669")  # data disagrees with ISA16
    assert split_composite("WO^12104411559120820 001GAL295513", "^") == ("WO", "12104411559120820 001GAL295513")
    assert split_composite("CS", ":") == ("CS",)
    assert split_composite("99213", ":") == ("99213",)  # no qualifier: not split on a guess
    assert split_composite("", ":") == ("",)
    assert Segment(1, "SVC", ("SVC", "AD:D0120")).composite(1) == ("AD", "D0120")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(p.name for p in FIXTURES.glob("*.835"))), size=st.integers(1, 300))
def test_any_chunk_size_gives_the_same_segments(name: str, size: int) -> None:
    path = FIXTURES / name
    assert list(read_segments(path, chunk_size=size)) == list(read_segments(path))
