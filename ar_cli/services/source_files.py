"""Reading an input file's bytes once: its hash and size, with one-line errors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ar_cli.domain.errors import InputError


@dataclass(frozen=True, kw_only=True)
class FileFacts:
    path: Path
    sha256: str
    byte_size: int


def file_facts(path: Path) -> FileFacts:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    return FileFacts(path=path, sha256=digest.hexdigest(), byte_size=size)
