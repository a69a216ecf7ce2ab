"""Faults of layout the reader reads through with a warning, and ones it names exactly.

- the end of the file ends the last segment (an IEA with no '~' after it);
- header loops (N1*PR, N1*PE) repeated after the claims: warned, never read into a claim;
- an ISA whose element separator is not ASCII: said so, not "does not start with ISA".

Real files: the repo's fixtures and the public samples in ../shared/x12, edited here in
memory (never copied into the repo; the shared part skips when the folder is absent).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_cli.x12 import X12Error, read_remittances, read_segments
from x12.test_x12_errors import SEGMENTS, era, refusal

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "x12"


def _readable() -> list[Path]:
    """The fixtures and shared samples that read cleanly as they are."""
    paths = sorted(FIXTURES.glob("*.835"))
    if SHARED.is_dir():
        paths += sorted(p for p in SHARED.iterdir() if p.suffix not in (".md", ".837", ".837i") and "837" not in p.name)
    good = []
    for path in paths:
        try:
            read_remittances(path)
        except X12Error:
            continue
        good.append(path)
    return good


READABLE = _readable()


def without_final_terminator(data: bytes) -> bytes:
    """The file with its last segment terminator (and the line break after it) removed."""
    text = data.decode("utf-8").rstrip(" \t\r\n")
    return (text[:-1] if text.endswith("~") else text).encode("utf-8")


def read_bytes(data: bytes, **kwargs: int):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edited.835"
        path.write_bytes(data)
        return read_remittances(path), list(read_segments(path, **kwargs))


def claims_of(remittances) -> list:
    """Every claim payment, as plain values without segment numbers (an edit that adds
    segments moves them, and nothing else may change)."""
    return [_plain(claim) for r in remittances for claim in r.claims]


def _plain(value):
    if is_dataclass(value):
        return tuple(_plain(getattr(value, f.name)) for f in fields(value) if f.name != "segment")
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


# -- item 10: the end of the file ends the last segment ---------------------------------------


def test_an_iea_with_no_terminator_is_read_with_a_warning(tmp_path: Path) -> None:
    path = era(tmp_path, "~".join(SEGMENTS))  # ends '...IEA*1*000000001', no '~'
    [remittance] = read_remittances(path)
    [clean] = read_remittances(era(tmp_path, SEGMENTS, name="clean.835"))
    assert claims_of([remittance]) == claims_of([clean])
    assert [str(w) for w in remittance.warnings] == [
        "era.835: segment 15: IEA: no segment terminator '~' after the last segment; the end of the file ends it"
    ]
    assert [s.elements for s in read_segments(path)][-1] == ("IEA", "1", "000000001")


def test_an_se_with_no_terminator_and_no_envelope_after_it(tmp_path: Path) -> None:
    [remittance] = read_remittances(era(tmp_path, "~".join(SEGMENTS[:13]) + "\r\n"))
    assert [str(w) for w in remittance.warnings] == [
        "era.835: segment 13: SE: no segment terminator '~' after the last segment; the end of the file ends it",
        "era.835: segment 13: GE: group '1' (segment 2) has no GE",
        "era.835: segment 13: IEA: interchange '000000001' (segment 1) has no IEA",
    ]
    assert remittance.claims[0].paid == 10000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 10_000), chunk_size=st.sampled_from([1, 7, 64, 1000, 1 << 20]))
def test_any_real_file_without_its_last_terminator_reads_the_same(index: int, chunk_size: int) -> None:
    path = READABLE[index % len(READABLE)]
    original = path.read_bytes()
    before, segments_before = read_bytes(original, chunk_size=chunk_size)
    after, segments_after = read_bytes(without_final_terminator(original), chunk_size=chunk_size)
    assert [s.elements for s in segments_after] == [s.elements for s in segments_before]
    assert claims_of(after) == claims_of(before)
    assert [r.header for r in after] == [r.header for r in before]
    extra = [str(w) for w in after[-1].warnings if w not in before[-1].warnings]
    assert len(extra) == 1 and "no segment terminator" in extra[0] and "the end of the file ends it" in extra[0]


def test_a_large_balanced_file_without_its_last_terminator(tmp_path: Path) -> None:
    """The issue's case at scale: thousands of claims, balanced, the IEA unterminated."""
    claim = SEGMENTS[8:12]
    body = [*SEGMENTS[:8], *claim * 3617, f"SE*{7 + 4 * 3617}*0001", *SEGMENTS[13:]]
    body[3] = "BPR*I*361700.00*C*CHK************20250305"
    path = era(tmp_path, "~\n".join(body))
    [remittance] = read_remittances(path)
    assert len(remittance.claims) == 3617
    assert [str(w) for w in remittance.warnings] == [
        f"era.835: segment {len(body)}: IEA: no segment terminator '~' after the last segment; "
        "the end of the file ends it"
    ]


# -- item 11: header loops after the claims ---------------------------------------------------

HEADER_LOOPS = [
    "N1*PR*OTHER PLAN*XV*99999",
    "N3*PO BOX 1",
    "N4*TOWN*OH*44109",
    "REF*2U*SHOULDNOTATTACH",
    "N1*PE*SOMEONE ELSE*XX*1111111111",
    "REF*TJ*999999999",
]


def test_header_loops_after_the_claims_are_warned_and_read_into_nothing(tmp_path: Path) -> None:
    edited = [*SEGMENTS[:12], *HEADER_LOOPS, "SE*17*0001", *SEGMENTS[13:]]
    [remittance] = read_remittances(era(tmp_path, edited))
    [clean] = read_remittances(era(tmp_path, SEGMENTS, name="clean.835"))
    assert claims_of([remittance]) == claims_of([clean])  # the REF after N1 is not the claim's
    assert remittance.header == clean.header  # the payer and payee are the first ones
    assert [str(w) for w in remittance.warnings] == [
        "era.835: segment 13: N1: a payer loop (N1*PR) after the claims began; header loops come before "
        "the first claim: not read",
        "era.835: segment 17: N1: a payee loop (N1*PE) after the claims began; header loops come before "
        "the first claim: not read",
    ]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/x12 is not here")
def test_a_real_file_with_its_header_loops_repeated_between_and_after_claims() -> None:
    """The 9-claim public sample with its own N1 loops copied after claim 4 and after
    the last claim: the same 9 claims, each once, and a warning naming the segment."""
    text = (SHARED / "albmarin__badX12__tests__files__edi__X221-multiple-claims-single-check.edi").read_text()
    segments = [s.strip() for s in text.split("~") if s.strip()]
    header = [
        s
        for s in segments[: segments.index(next(s for s in segments if s.startswith("LX")))]
        if s.split("*")[0] in ("N1", "N3", "N4", "REF", "PER") and not s.startswith("REF*EV")
    ]
    assert header[0].startswith("N1*PR")
    claims = [i for i, s in enumerate(segments) if s.startswith("CLP")]
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    edited = segments[: claims[4]] + header + segments[claims[4] : se] + header + segments[se:]
    edited[edited.index(segments[se])] = (
        f"SE*{int(segments[se].split('*')[1]) + 2 * len(header)}*" + segments[se].split("*")[2]
    )
    before, _ = read_bytes(text.encode())
    after, _ = read_bytes(("~".join(edited) + "~").encode())
    assert claims_of(after) == claims_of(before)
    assert len(claims_of(after)) == 9
    warnings = [str(w) for w in after[0].warnings if w not in before[0].warnings]
    first = claims[4] + 1  # segment numbers are 1-based
    assert warnings[0] == (
        f"edited.835: segment {first}: N1: a payer loop (N1*PR) after the claims began; "
        "header loops come before the first claim: not read"
    )
    assert any(re.search(r"N1: a payee loop \(N1\*PE\)", w) for w in warnings)


# -- item 12: an ISA whose element separator is not ASCII --------------------------------------


@pytest.mark.parametrize(
    ("separator", "encoding"),
    [("é", "utf-8"), ("é", "latin-1"), ("§", "utf-8"), ("§", "latin-1"), ("ß", "utf-8"), ("→", "utf-8")],
)
def test_a_non_ascii_element_separator_is_named(tmp_path: Path, separator: str, encoding: str) -> None:
    content = ("~".join(SEGMENTS) + "~").replace("*", separator).encode(encoding)
    assert refusal(era(tmp_path, content)) == (
        "era.835: segment 1: ISA: damaged interchange header (the element separator after 'ISA' is not an "
        "ASCII character; X12 delimiters are ASCII)"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "*:~GS",
            "*¦~GS",
            "ISA16: damaged interchange header (the component separator is not an ASCII character; "
            "X12 delimiters are ASCII)",
        ),
        (
            "*:~GS",
            "*:§GS",
            "ISA16: damaged interchange header (the segment terminator after ISA16 is not an "
            "ASCII character; X12 delimiters are ASCII)",
        ),
    ],
)
def test_non_ascii_isa16_and_terminator_are_named(tmp_path: Path, old: str, new: str, expected: str) -> None:
    content = ("~".join(SEGMENTS) + "~").replace(old, new)
    assert refusal(era(tmp_path, content)) == f"era.835: segment 1: {expected}"
