"""Reading 835 remittance advice (005010X221A1, and 004010X091A1 for what we use) as a
stream of events, one transaction (ST..SE, one payment) after another:

    RemittanceStarted(header), ClaimPayment, ClaimPayment, …, RemittanceEnded(…)

so a million-claim transaction never sits in memory. read_remittances() collects the
events into Remittance values for `era show` and tests.

What is refused (X12Error, reading stops: posting must take nothing from the file):
anything the segment reader refuses; a transaction set other than 835; a transaction
with no SE (a new ST, an envelope segment or the end of the file comes first: claims
may be missing); money segments outside a claim; an amount that is not one; a CLP
without CLP01-CLP04; a BPR missing before the first claim; an unknown CAS group.
What is only warned about (Problem values on RemittanceEnded): control counts and
numbers that disagree (SE01/SE02, GE, IEA), missing GE/IEA, no terminator after the
last segment of the file, header segments (N1, BPR, TRN) after the claims began (read
into nothing), a missing or invalid payment date, dates that are not dates, procedure
composites written oddly, CR in a 5010 file. A GE/IEA fault is attached to the last transaction before it (or to the
next one when none came before), which is why RemittanceEnded is yielded only when
the segment after SE (or its GE/IEA) has been read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from hashlib import sha256
from os import PathLike
from pathlib import Path

from ar_cli.domain.errors import Problem
from ar_cli.domain.remittance.advice import (
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    RemittanceEnded,
    RemittanceEvent,
    RemittanceHeader,
    RemittanceStarted,
)
from ar_cli.x12.claims_835 import NOT_A_SEGMENT, ClaimBuilder
from ar_cli.x12.context import Context
from ar_cli.x12.envelope import Envelope, shown
from ar_cli.x12.errors import X12Error, problem
from ar_cli.x12.header_835 import HeaderBuilder, provider_adjustments
from ar_cli.x12.segments import CHUNK_SIZE, Batch, Delimiters, iter_batches

_ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA", "ST"})
_MONEY_OUTSIDE_CLAIM = frozenset({"SVC", "CAS"})
# Header segments: after the first claim (or LX) they are out of place (pyx12 flags them).
_HEADER_ONLY = frozenset({"BPR", "TRN", "N1"})
_PARTIES = {"PR": "payer", "PE": "payee"}


def read_remittances(path: str | PathLike[str]) -> list[Remittance]:
    """Every remittance transaction in the file, whole."""
    found: list[Remittance] = []
    claims: list[ClaimPayment] = []
    for event in read_835(path):
        if isinstance(event, ClaimPayment):
            claims.append(event)
        elif isinstance(event, RemittanceStarted):
            claims = []
        else:
            found.append(
                Remittance(
                    header=event.header,
                    claims=tuple(claims),
                    provider_adjustments=event.provider_adjustments,
                    digest=event.digest,
                    warnings=event.warnings,
                    segment_count=event.segment_count,
                )
            )
    return found


def read_835(path: str | PathLike[str], *, chunk_size: int = CHUNK_SIZE) -> Iterator[RemittanceEvent]:
    """The file's remittance events in order; X12Error when it cannot be read safely."""
    source = Path(path).name
    envelope = Envelope(source)
    txn: _Transaction | None = None
    claim: ClaimBuilder | None = None
    pending: _Transaction | None = None  # ended, waiting for its GE/IEA faults
    orphans: list[Problem] = []  # envelope faults seen before any transaction
    transactions = 0
    number = 0
    unterminated: Problem | None = None  # the last segment had no terminator
    for batch in iter_batches(path, chunk_size=chunk_size):
        segments, first, sep = batch.segments, batch.first, batch.delimiters.element
        if batch.unterminated:
            unterminated = _unterminated(source, batch)
        hashed = 0  # index in segments of the first one not yet in the digest
        index, count = 0, len(segments)
        while index < count:
            if claim is not None:
                # The claim loop holds nearly every segment; it reads them in one go.
                index = claim.consume(segments, index, sep, first)
                if index == count:
                    break
                elements = claim.ending
                yield claim.build()
                claim = None
                txn.claim_count += 1  # type: ignore[union-attr]  # a claim is only open inside a transaction
            else:
                elements = segments[index].split(sep)
            number = first + index
            tag = elements[0]
            index += 1
            if txn is not None:
                if txn.header is None and (tag == "CLP" or tag == "LX" or tag == "PLB" or tag == "SE"):
                    txn.start(number)
                if not txn.announced and (tag == "CLP" or tag == "PLB" or tag == "SE"):
                    # Announced at the first claim, whose CLP06 the header then carries.
                    yield RemittanceStarted(header=txn.announce(elements if tag == "CLP" else None))
                if tag == "CLP":
                    claim = ClaimBuilder(elements, number, txn.ctx)
                elif tag == "SE":
                    txn.hash(segments[hashed : index - 1])
                    txn.end(elements, number)
                    pending, txn = txn, None
                elif tag == "PLB":
                    txn.provider_adjustments.extend(provider_adjustments(elements, number, txn.ctx))
                elif tag in _ENVELOPE:
                    raise X12Error(source, number, tag, txn.unfinished("before it"))
                elif tag in _MONEY_OUTSIDE_CLAIM:
                    raise X12Error(source, number, tag, "outside a claim payment (no CLP before it)")
                elif txn.header is None:
                    _check_tag(tag, source, number)
                    txn.header_builder.add(tag, elements, number)
                elif tag in _HEADER_ONLY:
                    txn.ctx.warn(number, tag, _misplaced_header(tag, elements))
                else:
                    _check_tag(tag, source, number)  # LX, TS3, TS2, stray REF/DTM/N3/N4: not used
                continue
            # Outside a transaction: only the envelope may be here.
            if tag == "ST":
                if pending is not None:
                    yield pending.ended()
                    pending = None
                faults = envelope.transaction(number)
                txn = _Transaction(source, elements, number, batch.delimiters, envelope.version, orphans + faults)
                orphans = []
                transactions += 1
                hashed = index
                continue
            if tag == "ISA":
                faults = envelope.interchange(elements, number)
            elif tag == "GS":
                faults = envelope.group(elements, number)
            elif tag == "GE":
                faults = envelope.group_end(elements, number)
            elif tag == "IEA":
                faults = envelope.interchange_end(elements, number)
            else:
                tag = _check_tag(tag, source, number)
                raise X12Error(source, number, tag, "outside a transaction (no ST before it)")
            if pending is not None and tag in ("GE", "IEA"):
                pending.warnings.extend(faults)
            else:
                if pending is not None:
                    yield pending.ended()
                    pending = None
                orphans.extend(faults)
        if txn is not None:
            txn.hash(segments[hashed:])
        number = first + len(segments) - 1
    if txn is not None:
        cut = " (its last segment has no terminator: the file looks cut short)" if unterminated else ""
        raise X12Error(source, number + 1, "SE", txn.unfinished("at the end of the file") + cut)
    if transactions == 0:
        raise X12Error(source, number + 1 if number else 1, "ST", "the file holds no 835 transaction")
    if pending is not None:
        pending.warnings.extend(orphans + ([unterminated] if unterminated else []) + envelope.finish(number))
        yield pending.ended()


def _unterminated(source: str, batch: Batch) -> Problem:
    """The warning for a last segment the end of the file ended (no terminator after it)."""
    number = batch.first + len(batch.segments) - 1
    tag = batch.segments[-1].split(batch.delimiters.element, 1)[0]
    shown_tag = tag if 2 <= len(tag) <= 3 and tag.isalnum() and tag.isascii() and tag.isupper() else "?"
    return problem(
        source,
        number,
        shown_tag,
        f"no segment terminator {batch.delimiters.segment!r} after the last segment; the end of the file ends it",
    )


def _misplaced_header(tag: str, elements: list[str]) -> str:
    """The warning for a header segment after the claims began. What it says is not
    read: the header is the one before the claims, and the loop belongs to no claim
    (so its REF and N3/N4 are not taken for the claim before it)."""
    if tag == "N1":
        qualifier = elements[1] if len(elements) > 1 else ""
        party = _PARTIES.get(qualifier)
        what = f"a {party} loop (N1*{qualifier})" if party else "a party loop (N1)"
    else:
        what = "a payment (BPR)" if tag == "BPR" else "a trace number (TRN)"
    return f"{what} after the claims began; header loops come before the first claim: not read"


def _check_tag(tag: str, source: str, number: int) -> str:
    """A segment we do not use must still look like one: 2-3 capitals and digits."""
    if 2 <= len(tag) <= 3 and tag.isalnum() and tag.isascii() and tag.isupper():
        return tag
    raise X12Error(source, number, "?", NOT_A_SEGMENT)


def _canonical_table(delims: Delimiters) -> dict[int, str] | None:
    """How to rewrite segment text with the usual delimiters for the digest, so the
    same remittance sent with other delimiters has the same digest. None when the
    text already uses them. Literal '*', ':', '^', '~' in data are escaped so that
    rewritten delimiters cannot be confused with data."""
    if delims.element == "*" and delims.component == ":" and delims.repetition in ("^", ""):
        return None
    table = {ord(char): "\x1b" + char for char in "*:^~"}
    table[ord(delims.element)] = "*"
    table[ord(delims.component)] = ":"
    if delims.repetition:
        table[ord(delims.repetition)] = "^"
    return table


class _Transaction:
    """One ST..SE being read: its header, PLBs, warnings, digest and counts."""

    def __init__(
        self, source: str, elements: list[str], segment: int, delims: Delimiters, group_version: str,
        warnings: list[Problem],
    ) -> None:  # fmt: skip
        if len(elements) < 4:
            elements = elements + [""] * (4 - len(elements))
        if elements[1] != "835":
            raise X12Error(source, segment, "ST01", f"transaction set {shown(elements[1])} is not an 835 remittance")
        self.source = source
        self.segment = segment
        self.control_number = elements[2]
        version = elements[3] or group_version
        self.warnings = warnings
        self.ctx = Context(source, delims.component, version.startswith("004010"), warnings)
        self.header_builder = HeaderBuilder(self.ctx, segment, self.control_number, version)
        self.header: RemittanceHeader | None = None
        self.announced = False  # RemittanceStarted yielded
        self.provider_adjustments: list[ProviderAdjustment] = []
        self.claim_count = 0
        self.end_segment = 0
        self.table = _canonical_table(delims)
        self.digest = sha256()
        self.hash_elements(["ST", elements[1], "", *elements[3:]])

    def start(self, segment: int) -> RemittanceHeader:
        self.header = self.header_builder.build(segment)
        return self.header

    def announce(self, first_claim: list[str] | None) -> RemittanceHeader:
        """The header as announced: with the first claim's filing indicator (CLP06),
        which classes a payer this remittance is the first to name."""
        self.announced = True
        assert self.header is not None
        if first_claim is not None and len(first_claim) > 6 and first_claim[6]:
            self.header = replace(self.header, first_filing_indicator=first_claim[6])
        return self.header

    def hash(self, raws: list[str]) -> None:
        if raws:
            if self.table is None:
                text = "~".join(raws) + "~"
            else:
                # Join on NUL (refused in data, never a delimiter), rewrite, then restore.
                text = ("\x00".join(raws) + "\x00").translate(self.table).replace("\x00", "~")
            self.digest.update(text.encode())

    def hash_elements(self, elements: list[str]) -> None:
        if self.table is not None:
            elements = [element.translate(self.table) for element in elements]
        self.digest.update(("*".join(elements) + "~").encode())

    def end(self, elements: list[str], segment: int) -> None:
        if len(elements) < 3:
            elements = elements + [""] * (3 - len(elements))
        count = segment - self.segment + 1
        said = elements[1]
        if not (said.isdigit() and int(said) == count):
            message = (
                f"says {shown(said)} segments, the transaction has {count}"
                if said.isdigit()
                else f"{shown(said)} is not a segment count (the transaction has {count})"
            )
            self.warnings.append(problem(self.source, segment, "SE01", message))
        if elements[2] != self.control_number:
            self.warnings.append(
                problem(
                    self.source,
                    segment,
                    "SE02",
                    f"control number {shown(elements[2])} differs from ST02 {shown(self.control_number)}",
                )
            )
        self.hash_elements(["SE", *elements[1:2], "", *elements[3:]])
        self.end_segment = segment

    def ended(self) -> RemittanceEnded:
        assert self.header is not None  # start() ran before SE
        return RemittanceEnded(
            header=self.header,
            provider_adjustments=tuple(self.provider_adjustments),
            digest=self.digest.hexdigest(),
            warnings=tuple(self.warnings),
            claim_count=self.claim_count,
            segment_count=self.end_segment - self.segment + 1,
            segment=self.end_segment,
        )

    def unfinished(self, where: str) -> str:
        return (
            f"transaction {shown(self.control_number)} (from segment {self.segment}) has no SE {where}: "
            "claims may be missing"
        )
