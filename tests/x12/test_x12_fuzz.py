"""Whatever bytes a file holds, reading it either works or raises X12Error: mutations
of real 835s (bytes deleted, inserted, replaced, the file cut, delimiters swapped) and
plain random bytes, read in random chunk sizes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_cli.x12 import X12Error, read_835, read_segments

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x12"


def _shared_x12() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").exists():
            folder = parent.parent / "shared" / "x12"
            return folder if folder.is_dir() else None
    return None


def _samples() -> list[bytes]:
    paths = sorted(FIXTURES.glob("*.835"))
    shared = _shared_x12()
    if shared is not None:
        paths += sorted(p for p in shared.iterdir() if p.suffix != ".md")
    return [p.read_bytes() for p in paths]


SAMPLES = _samples()
DELIMITERS = [b"*", b"~", b":", b"^", b">", b"|", b"\n", b"\r\n", b""]

mutation = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=12)),
    st.tuples(
        st.just("insert"), st.floats(0, 1), st.sampled_from([b"~", b"*", b"ISA", b"ST*835*9~", b"CLP*", b"SE*1*1~"])
    ),
    st.tuples(st.just("replace"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("swap"), st.sampled_from(DELIMITERS[:-1]), st.sampled_from(DELIMITERS)),
)


def mutate(data: bytes, change: tuple) -> bytes:
    kind = change[0]
    if kind == "swap":
        _, old, new = change
        if not new:
            return data.replace(old, new)
        return data.replace(old, b"\x00MARK\x00").replace(new, old).replace(b"\x00MARK\x00", new)
    at = int(change[1] * len(data))
    if kind == "delete":
        return data[:at] + data[at + change[2] :]
    if kind == "insert":
        return data[:at] + change[2] + data[at:]
    if kind == "replace":
        return data[:at] + bytes([change[2]]) + data[at + 1 :] if at < len(data) else data
    return data[:at]


def read_all(data: bytes, chunk_size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.835"
        path.write_bytes(data)
        for reader in (read_835, read_segments):
            try:
                for _ in reader(path, chunk_size=chunk_size):
                    pass
            except X12Error as error:
                assert "\n" not in str(error)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(range(len(SAMPLES))),
    changes=st.lists(mutation, min_size=1, max_size=4),
    chunk_size=st.sampled_from([1, 3, 16, 100, 1 << 20]),
)
def test_mutated_835s_raise_only_x12_error(sample: int, changes: list[tuple], chunk_size: int) -> None:
    data = SAMPLES[sample]
    for change in changes:
        data = mutate(data, change)
    read_all(data, chunk_size)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400), prefix=st.sampled_from([b"", b"ISA*", b"ST*835*1~", SAMPLES[0][:120]]))
def test_random_bytes_raise_only_x12_error(data: bytes, prefix: bytes) -> None:
    read_all(prefix + data, 7)
