"""Where a written file goes and how it lands there.

`--output` means one thing everywhere: a path that ends in `/` or names an existing
folder is a folder (created when missing) and the file inside it gets the caller's
name, which says what it holds and for which period; any other path is the file. A
file is written under a temporary name in its own folder and renamed into place only
when whole. What is already there is never replaced unless the user asked for it
(`--overwrite`): without it the new file is put in place with a hard link, which fails
if the name was taken meanwhile, so even a race cannot replace an earlier export.
A file holding PHI is mode 0600, any other 0644.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ar_cli.domain.errors import InputError


def is_folder(output: str | os.PathLike) -> bool:
    text = os.fspath(output)
    return text.endswith(("/", os.sep)) or Path(text).expanduser().is_dir()


def safe_name(name: str) -> str:
    """A default file name made from data (a claim number) that stays one name in the folder."""
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name).lstrip(".")
    return cleaned or "output"


def resolve_folder(output: str | os.PathLike, *, option: str = "--output") -> Path:
    """`output` as a folder to write into, created (with its parents) when missing."""
    folder = Path(os.fspath(output)).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {output}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option} {output}: cannot create the folder: {exc.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{option} {output}: cannot write in folder {folder} (permission denied)")
    return folder


def resolve_file(
    output: str | os.PathLike,
    default_name: str,
    *,
    overwrite: bool,
    option: str = "--output",
    companions: tuple[str, ...] = (),
) -> Path:
    """The file `--output` names: `output` itself, or `default_name` inside it when it
    is a folder. Refused (exit 2, before anything is read) when it cannot be written or
    when it, or a companion written beside it (a manifest: name + suffix), exists and
    `overwrite` is False."""
    if is_folder(output):
        target = resolve_folder(output, option=option) / safe_name(default_name)
    else:
        target = Path(os.fspath(output)).expanduser()
        folder = target.parent
        if not folder.is_dir():
            raise InputError(f"{option} {output}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError(f"{option} {output}: cannot write in folder {folder} (permission denied)")
    for path in (target, *(target.with_name(target.name + suffix) for suffix in companions)):
        if path.is_dir():
            raise InputError(f"{option} {output}: {path} is a folder")
        if path.exists() and not overwrite:
            raise InputError(
                f"{option} {output}: {path} already exists; give another name, or --overwrite to replace it"
            )
    return target


@dataclass(kw_only=True)
class StagedFile:
    """A file being written under a temporary name beside `target`."""

    target: Path
    private: bool
    overwrite: bool
    temp: Path | None = field(default=None)

    @classmethod
    def beside(cls, target: Path, *, private: bool, overwrite: bool) -> StagedFile:
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        except OSError as exc:
            raise InputError(f"--output {target}: cannot write there: {exc.strerror}") from None
        os.close(fd)  # mkstemp made it 0600: nothing is readable while it is written
        return cls(target=target, private=private, overwrite=overwrite, temp=Path(name))

    def write(self, data: str | bytes) -> None:
        assert self.temp is not None, "already committed or discarded"
        self.temp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    def text_handle(self, *, bom: bool = False) -> IO[str]:
        """The temporary file opened for text streamed in rows (a large export), UTF-8
        with a byte-order mark for Excel when asked; csv needs newline=''."""
        assert self.temp is not None, "already committed or discarded"
        return self.temp.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="")

    def commit(self) -> None:
        """Put the whole file in place (0600 with PHI, else 0644)."""
        assert self.temp is not None, "committed twice"
        os.chmod(self.temp, 0o600 if self.private else 0o644)
        if self.overwrite:
            os.replace(self.temp, self.target)
        else:
            _place_new(self.temp, self.target)
        self.temp = None

    def discard(self) -> None:
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


def _place_new(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)
    except FileExistsError:
        temp.unlink(missing_ok=True)
        raise InputError(f"--output {target}: already exists (written meanwhile); nothing replaced") from None
    except OSError:  # a file system without hard links: check, then rename
        if target.exists():
            temp.unlink(missing_ok=True)
            raise InputError(f"--output {target}: already exists (written meanwhile); nothing replaced") from None
        os.replace(temp, target)
        return
    temp.unlink()


def write_bytes(target: Path, data: bytes, *, private: bool, overwrite: bool) -> None:
    staged = StagedFile.beside(target, private=private, overwrite=overwrite)
    try:
        staged.write(data)
        staged.commit()
    except BaseException:
        staged.discard()
        raise


def write_text(target: Path, text: str, *, private: bool, overwrite: bool, bom: bool = False) -> None:
    write_bytes(target, text.encode("utf-8-sig" if bom else "utf-8"), private=private, overwrite=overwrite)


@dataclass(kw_only=True)
class StagedFolder:
    """A folder of files being written under a hidden name in `root`; `place(name)`
    renames it into place once every file is whole."""

    root: Path
    path: Path
    private: bool

    def file(self, name: str) -> Path:
        return self.path / name

    def write(self, name: str, text: str) -> Path:
        """One UTF-8 file of the folder (its mode is set when the folder is placed)."""
        path = self.path / name
        path.write_text(text, encoding="utf-8", newline="")
        return path

    def place(self, target: Path, *, replace: bool = False) -> None:
        for child in self.path.iterdir():
            os.chmod(child, 0o600 if self.private else 0o644)
        os.chmod(self.path, 0o700 if self.private else 0o755)
        if target.exists():
            if not replace:
                raise InputError(f"--output {target}: already exists; nothing replaced")
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(self.path, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.path, target)


@contextmanager
def staged_folder(root: Path, prefix: str, *, private: bool = False) -> Iterator[StagedFolder]:
    """A hidden folder in `root`, removed again unless it was placed."""
    try:
        path = Path(tempfile.mkdtemp(prefix=f".{prefix}.", dir=root))
    except OSError as exc:
        raise InputError(f"--output {root}: cannot write there: {exc.strerror}") from None
    try:
        yield StagedFolder(root=root, path=path, private=private)
    finally:
        shutil.rmtree(path, ignore_errors=True)  # gone already once placed
