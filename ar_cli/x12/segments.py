"""Splitting an X12 file into segments, streamed in chunks, with the delimiters each
interchange declares in its own ISA header.

What this module owns:
- finding the delimiters: element separator = the character after 'ISA'; the
  component separator (ISA16) and the segment terminator (the character after it) are
  found by counting 16 element separators, never by fixed offsets; the repetition
  separator is ISA11 when it is a punctuation mark (5010), none when it is 'U' (4010).
  Every ISA in a file is read afresh, so interchanges may use different delimiters.
  A file with no ISA (it starts at ST or GS) is read with '*', ':' and the terminator
  that ends its first segment (normally '~').
- layout leniency: a UTF-8 byte-order mark, CR/LF after terminators (or none at all),
  blank lines and indentation between segments are ignored; and the TigerShark layout,
  where ISA16 is followed by a newline and every later line starts with '~', is read
  as newline-terminated segments. Nothing inside an element is trimmed.
- refusing what is not X12 with X12Error: an empty file, no ISA/ST at the start, a
  damaged ISA (a delimiter that is not ASCII punctuation included), binary data.
- the end of the file ends the last segment: text after the last terminator (an
  'IEA*1*000000001' with no '~') is read as one more segment, and its Batch says so
  (`unterminated`) for the reader to warn about. A file cut short is still refused
  where it matters: the 835 reader refuses a transaction with no SE.

Speed: the 835 reader consumes `iter_batches`, lists of raw segment strings (one list
per chunk of about 1 MiB), and splits them itself; `read_segments` wraps them as
Segment values for everything else.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import BinaryIO

from ar_cli.x12.errors import X12Error

CHUNK_SIZE = 1 << 20
# An ISA is nominally 106 characters; one whose 16 separators are not found within
# this many is not an interchange header.
_ISA_LIMIT = 512
_BLANK = " \t\r\n"
_INFORMATION_SEPARATORS = "\x1c\x1d\x1e\x1f"
# Component separators seen in the wild when the data disagrees with ISA16.
_OTHER_COMPONENT_SEPARATORS = ":>^<"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The separators an interchange declared. repetition is '' when there is none."""

    element: str = "*"
    component: str = ":"
    repetition: str = ""
    segment: str = "~"


DEFAULT_DELIMITERS = Delimiters()


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its 1-based number in the file, its tag and its elements.

    elements[0] is the tag, so elements[n] is element n as the TR3 numbers it
    (CLP04 is elements[4]); element(n) returns '' for one the segment leaves out.
    """

    number: int
    tag: str
    elements: tuple[str, ...]
    delimiters: Delimiters = DEFAULT_DELIMITERS

    def element(self, n: int) -> str:
        return self.elements[n] if n < len(self.elements) else ""

    def composite(self, n: int) -> tuple[str, ...]:
        """Element n split into its components (see split_composite)."""
        return split_composite(self.element(n), self.delimiters.component)


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive raw segments of one interchange: `segments[i]` is segment number
    `first + i`, written with `delimiters`, whitespace between segments removed."""

    first: int
    delimiters: Delimiters
    segments: list[str]
    # The last segment had no terminator: the end of the file ended it.
    unterminated: bool = False


def split_composite(value: str, separator: str) -> tuple[str, ...]:
    """Split a composite element ('HC:99213:25' → ('HC', '99213', '25')).

    Some senders write composites with another separator than the ISA16 they declare
    ('HC>55669' under ':'). When `separator` is absent and the value starts with a
    two-character qualifier followed by one of the usual separators, that one is used:
    every composite we read (SVC01, SVC06, PLB03) starts with a 2-character code.
    """
    if separator in value:
        return tuple(value.split(separator))
    if len(value) > 2 and value[2] in _OTHER_COMPONENT_SEPARATORS and value[:2].isalnum():
        return tuple(value.split(value[2]))
    return (value,)


def read_segments(path: str | PathLike[str], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Segment]:
    """Every segment of the file in order, as Segment values."""
    for batch in iter_batches(path, chunk_size=chunk_size):
        number = batch.first
        sep = batch.delimiters.element
        for raw in batch.segments:
            elements = tuple(raw.split(sep))
            yield Segment(number, elements[0], elements, batch.delimiters)
            number += 1


def iter_batches(path: str | PathLike[str], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Batch]:
    """The file's segments as batches of raw text; raises X12Error for bad input."""
    source = Path(path).name
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise X12Error(source, None, "", f"cannot be read ({exc.strerror or exc})") from None
    with handle:
        yield from _Scanner(handle, source, chunk_size).batches()


def _is_separator(char: str) -> bool:
    """ASCII punctuation, or one of the ASCII information separators some senders use.
    Never a non-ASCII character: an undecodable byte reads as U+FFFD, so a separator
    from outside ASCII could not be told from a damaged character in the data."""
    return (
        len(char) == 1
        and char.isascii()
        and not char.isalnum()
        and (char.isprintable() or char in _INFORMATION_SEPARATORS)
        and char not in _BLANK
    )


def _is_ascii_alnum(char: str) -> bool:
    """A letter or digit that can continue a tag ('ISAX' is not 'ISA')."""
    return char.isascii() and char.isalnum()


def _non_ascii(what: str) -> str:
    return f"damaged interchange header (the {what} is not an ASCII character; X12 delimiters are ASCII)"


def _tag_of(text: str, sep: str) -> str:
    """The tag of a raw segment if it looks like one, else '?' (never echo data)."""
    tag = text.split(sep, 1)[0].strip(_BLANK + "~") if sep else ""
    return tag if 2 <= len(tag) <= 3 and tag.isalnum() and tag.isupper() else "?"


def _next_interchange(text: str, term: str, blank: str) -> int:
    """Where the next ISA segment starts in text, or -1. An 'ISA' counts only at the
    start of a segment (after a terminator and blanks) and before a separator, so a
    name like LISA in the data is not one. str.find, not a regex: this runs on every
    chunk and a regex anchored on alternatives scans a megabyte slowly."""
    skip = blank.replace(term, "")
    at = text.find("ISA")
    while at != -1:
        start = at
        while start > 0 and text[start - 1] in skip:
            start -= 1
        if (start == 0 or text[start - 1] == term) and at + 3 < len(text) and not _is_ascii_alnum(text[at + 3]):
            return at
        at = text.find("ISA", at + 1)
    return -1


class _Scanner:
    """Reads chunks, finds interchange headers and splits the text between them."""

    def __init__(self, handle: BinaryIO, source: str, chunk_size: int) -> None:
        self.handle = handle
        self.source = source
        self.chunk_size = max(1, chunk_size)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.eof = False
        self.number = 0  # segments handed out so far

    def error(self, element: str, message: str, segment: int | None = None) -> X12Error:
        return X12Error(self.source, self.number + 1 if segment is None else segment, element, message)

    def read(self) -> str:
        """The next piece of text, '' once the file is exhausted."""
        while not self.eof:
            try:
                data = self.handle.read(self.chunk_size)
            except OSError as exc:
                raise X12Error(self.source, None, "", f"cannot be read ({exc.strerror or exc})") from None
            if not data:
                self.eof = True
                return self.decoder.decode(b"", final=True)
            text = self.decoder.decode(data)
            if text:
                return text
        return ""

    def need(self, text: str, length: int) -> str:
        while len(text) < length and not self.eof:
            text += self.read()
        return text

    def batches(self) -> Iterator[Batch]:
        text = self.need("", 4)
        if text.startswith("\ufeff"):
            text = text[1:]
        first = True
        while True:
            # At a segment boundary: skip blank lines, then expect a header or EOF.
            text = text.lstrip(_BLANK)
            while not text and not self.eof:
                text = self.read().lstrip(_BLANK)
            if not text:
                if first:
                    raise self.error("ISA", "the file is empty (expected an X12 interchange)")
                return
            text = self.need(text, 4)
            if text.startswith("ISA") and (len(text) < 4 or not _is_ascii_alnum(text[3])):
                header, delims, text, lead = self.interchange_header(text)
                self.number += 1
                yield Batch(self.number, delims, [header])
            elif first and text[:2] in ("ST", "GS") and len(text) > 2 and _is_separator(text[2]):
                delims, text, lead = *self.headerless(text), ""
            else:
                if first:
                    raise self.error("ISA", "not an X12 interchange (expected 'ISA' at the start)")
                raise self.error("ISA", "expected an interchange header (ISA) after the previous one ended")
            first = False
            text = yield from self.body(text, delims, lead)

    def interchange_header(self, text: str) -> tuple[str, Delimiters, str, str]:
        """Parse the ISA at the start of text: (its raw text, delimiters, rest, lead)."""
        sep = text[3] if len(text) > 3 else ""
        if sep and not sep.isascii():
            raise self.error("ISA", _non_ascii("element separator after 'ISA'"))
        if not _is_separator(sep):
            raise self.error("ISA", "damaged interchange header (no element separator after 'ISA')")
        pos = 3  # the first of the 16 separators, the one before ISA01
        for found in range(1, 16):
            nxt = text.find(sep, pos + 1)
            while nxt == -1 and not self.eof and len(text) < _ISA_LIMIT:
                text += self.read()
                nxt = text.find(sep, pos + 1)
            if nxt == -1 or nxt > _ISA_LIMIT:
                raise self.error("ISA", f"damaged interchange header (found {found} of its 16 element separators)")
            pos = nxt
        text = self.need(text, pos + 3)
        if len(text) < pos + 3:
            raise self.error("ISA", "the file ends inside the interchange header")
        component, terminator = text[pos + 1], text[pos + 2]
        body = text[:pos]
        if not component.isascii():
            raise self.error("ISA16", _non_ascii("component separator"))
        if not terminator.isascii():
            raise self.error("ISA16", _non_ascii("segment terminator after ISA16"))
        if not _is_separator(component) or component == sep:
            raise self.error("ISA16", "damaged interchange header (the component separator is not a punctuation mark)")
        if not (_is_separator(terminator) or terminator in "\r\n") or terminator in (sep, component):
            raise self.error("ISA16", "damaged interchange header (no segment terminator after ISA16)")
        if terminator in body:
            message = "damaged interchange header (a segment terminator inside it: an element is missing)"
            raise self.error("ISA", message)
        if any(c in body for c in "\r\n"):
            raise self.error("ISA", "damaged interchange header (a line break inside it)")
        elements = body.split(sep)
        repetition = elements[11] if len(elements) > 11 else ""
        if not _is_separator(repetition) or repetition in (sep, component, terminator):
            repetition = ""  # 4010: ISA11 is the standards id 'U', not a separator
        delims = Delimiters(sep, component, repetition, terminator)
        rest = text[pos + 3 :]
        lead = ""
        if terminator in "\r\n":
            # TigerShark writes ISA16, a newline, then '~' at the start of every line.
            rest = self.need(rest, 8)
            if rest.lstrip(_BLANK).startswith("~"):
                lead = "~"
        return text[: pos + 2], delims, rest, lead

    def headerless(self, text: str) -> tuple[Delimiters, str]:
        """Delimiters for a file that starts at ST or GS (the separator after the tag,
        ':' and the character that ends the first segment), and the text read so far."""
        sep = text[2]
        text = self.need(text, 256)
        for char in text[3:256]:
            if char.isalnum() or char == " " or char == sep:
                continue
            if char in "\r\n":
                char = "\n"
            elif not _is_separator(char):
                break
            return Delimiters(sep, ">" if ":" in (sep, char) else ":", "", char), text
        raise self.error(_tag_of(text, sep), "no segment terminator after the first segment")

    def body(self, text: str, delims: Delimiters, lead: str) -> Generator[Batch, None, str]:
        """Split segments until the next ISA (returned with what follows) or EOF ('')."""
        term, sep = delims.segment, delims.element
        drop = [c for c in "\r\n" if c != term]  # line breaks that are only layout
        strip = _BLANK + lead
        allowed = set("\t\r\n") | {sep, delims.component, term} | ({delims.repetition} - {""})
        control = "".join(chr(c) for c in [*range(0x20), 0x7F] if chr(c) not in allowed)
        binary = re.compile("[" + re.escape(control) + "]")
        while True:
            rest, at = "", _next_interchange(text, term, strip)
            if at != -1:
                text, rest = text[:at], text[at:]
            for char in drop:
                if char in text:
                    text = text.replace(char, "")
            if not text.isprintable():
                self.refuse_binary(text, binary, delims, strip)
            parts = text.split(term)
            carry = parts.pop()
            if lead or (term + " ") in text or (term + "\t") in text or text[:1] in (" ", "\t"):
                parts = [p.lstrip(strip) for p in parts]
            if "" in parts:
                parts = [p for p in parts if p]
            unterminated = False
            if self.eof and at == -1 and carry.strip(strip):
                # The end of the file ends the last segment (layout blanks around it dropped).
                parts.append(carry.strip(strip))
                unterminated = True
                carry = ""
            if parts:
                yield Batch(self.number + 1, delims, parts, unterminated)
                self.number += len(parts)
            if at != -1 or self.eof:
                if carry.strip(strip):
                    raise self.error(
                        _tag_of(carry, sep),
                        f"the segment before the next interchange header has no segment terminator {term!r}",
                    )
                return rest if at != -1 else ""
            text = carry + self.read()

    def refuse_binary(self, text: str, binary: re.Pattern[str], delims: Delimiters, strip: str) -> None:
        found = binary.search(text)
        if found is None:
            return  # only tabs, line breaks or printable non-ASCII: text after all
        before = text[: found.start()].split(delims.segment)
        complete = sum(1 for p in before[:-1] if p.strip(strip))
        current = before[-1].lstrip(strip)
        tag = _tag_of(current, delims.element)
        position = current.count(delims.element)
        element = f"{tag}{position:02d}" if tag != "?" and position else tag
        raise self.error(
            element,
            f"binary data (byte 0x{ord(found.group()):02X}) where text was expected",
            segment=self.number + complete + 1,
        )
