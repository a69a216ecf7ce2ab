"""Aging rules: bucket edges, which bucket an age falls in, and the words for them.

Pure values only. An age is a whole number of days from a basis date (date of
service, billed date, …) to the as-of date. Edges are the inclusive upper ends of
every bucket but the last: edges 30,60,90,120 make 0–30, 31–60, 61–90, 91–120 and
121+. A date after the as-of date has a negative age and falls in the first bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from ar_cli.domain.errors import InputError

DEFAULT_EDGES = (30, 60, 90, 120)
OVER_DAYS = 90  # "AR over 90 days": the share every billing office watches
CREDIT_BUCKET = -1  # where a credit (negative) balance is counted: never in a bucket


class Basis(StrEnum):
    """The date an age is counted from."""

    SERVICE = "service"  # the claim's earliest date of service
    BILLED = "billed"  # the claim's billed date
    RESPONSIBILITY = "responsibility"  # the day the party now owing it became responsible
    LAST_PAYMENT = "last-payment"  # that party's last payment, else the billed date


class GroupBy(StrEnum):
    PAYER = "payer"
    FINANCIAL_CLASS = "financial-class"
    PATIENT = "patient"
    PROVIDER = "provider"
    CLAIM = "claim"


class Party(StrEnum):
    """Whose balances are aged: insurance (coverage ranks 1..3), the patient (0), or both."""

    INSURANCE = "insurance"
    PATIENT = "patient"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class BucketEdges:
    """Strictly increasing whole days above 0; the last bucket is open-ended."""

    edges: tuple[int, ...] = DEFAULT_EDGES

    def __post_init__(self) -> None:
        if not self.edges:
            raise ValueError("at least one edge")
        if self.edges[0] <= 0 or any(b <= a for a, b in zip(self.edges, self.edges[1:])):
            raise ValueError(f"edges {self.edges} are not strictly increasing whole days above 0")

    @property
    def count(self) -> int:
        return len(self.edges) + 1

    def text(self) -> str:
        """'30,60,90,120': how edges are stored in a snapshot and given to --buckets."""
        return ",".join(str(e) for e in self.edges)

    def index(self, age: int) -> int:
        """The bucket of an age in days (0 = the youngest)."""
        for i, edge in enumerate(self.edges):
            if age <= edge:
                return i
        return len(self.edges)

    def lower(self, bucket: int) -> int:
        """The first age in a bucket."""
        return 0 if bucket == 0 else self.edges[bucket - 1] + 1

    def label(self, bucket: int) -> str:
        """'0-30', '31-60', …, '121+' (ASCII: it heads CSV columns and narrow terminals)."""
        if bucket == len(self.edges):
            return f"{self.lower(bucket)}+"
        return f"{self.lower(bucket)}-{self.edges[bucket]}"

    def key(self, bucket: int) -> str:
        """A column key for files: 'days_0_30', 'days_121_plus'."""
        if bucket == len(self.edges):
            return f"days_{self.lower(bucket)}_plus"
        return f"days_{self.lower(bucket)}_{self.edges[bucket]}"

    def labels(self) -> list[str]:
        return [self.label(i) for i in range(self.count)]

    def cutoffs(self, as_of: date) -> list[date]:
        """For each edge, the oldest basis date still inside that bucket: age <= edge
        exactly when basis >= as_of - edge. Comparing dates (not computing ages) keeps the
        database query the same on SQLite and PostgreSQL."""
        return [as_of - timedelta(days=edge) for edge in self.edges]

    def over(self, days: int) -> list[int]:
        """Buckets wholly older than `days` (for a share over 90 days from stored buckets);
        empty when no edge equals `days`, since a bucket would straddle it."""
        if days not in self.edges:
            return []
        return list(range(self.edges.index(days) + 1, self.count))


def parse_edges(text: str, *, option: str = "--buckets") -> BucketEdges:
    """'30,60,90,120,180' → BucketEdges, or one clear InputError."""
    raw = [part.strip() for part in str(text).split(",")]
    if not text or not str(text).strip() or any(part == "" for part in raw):
        raise InputError(f"{option}: {text!r} is not a list of days like 30,60,90,120")
    bad = [part for part in raw if not part.isdigit()]
    if bad:
        raise InputError(f"{option}: {bad[0]!r} is not a whole number of days (e.g. 30,60,90,120)")
    numbers = [int(part) for part in raw]
    if numbers[0] == 0:
        raise InputError(f"{option}: the first edge must be at least 1 day, not 0")
    for a, b in pairwise(numbers):
        if b <= a:
            raise InputError(f"{option}: edges must be strictly increasing ({a} is followed by {b})")
    return BucketEdges(tuple(numbers))


def age_in_days(basis: date, as_of: date) -> int:
    return (as_of - basis).days


def share(part: int, whole: int) -> float | None:
    """A ratio 0..1, or None when there is nothing to divide (an empty aging)."""
    return None if whole == 0 else part / whole


_Choice = TypeVar("_Choice", bound=StrEnum)


def parse_choice(enum: type[_Choice], text: str, option: str) -> _Choice:
    """A value of a code set, or one line naming the choices."""
    try:
        return enum(str(text).strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InputError(f"{option}: {text!r} is not one of {choices}") from None


@dataclass(frozen=True, kw_only=True, slots=True)
class AgedSum:
    """What the database returns: one group's balances in one bucket."""

    party: int  # 0 patient, 1 insurance (1 when the grouping does not tell them apart)
    key: object  # what the group is keyed on (payer id, class, patient id, NPI, claim id)
    labels: tuple[str | None, ...]  # what names it (code and name, account and name, …)
    bucket: int  # 0..n-1, or CREDIT_BUCKET
    amount: int  # cents
    count: int  # balances
    over: int  # the part of amount older than OVER_DAYS


@dataclass(kw_only=True, slots=True)
class AgingLine:
    """One row of an aging: amount and count per bucket; credits kept apart."""

    party: int
    key: object
    labels: tuple[str | None, ...]
    amounts: list[int]
    counts: list[int]
    over: int = 0
    credits: int = 0
    credit_count: int = 0

    @property
    def total(self) -> int:
        return sum(self.amounts)

    @property
    def count(self) -> int:
        return sum(self.counts)

    def add(self, item: AgedSum) -> None:
        if item.bucket == CREDIT_BUCKET:
            self.credits += item.amount
            self.credit_count += item.count
            return
        self.amounts[item.bucket] += item.amount
        self.counts[item.bucket] += item.count
        self.over += item.over


def pivot(sums: list[AgedSum], bucket_count: int) -> list[AgingLine]:
    """One line per (party, key), in the order groups first appear."""
    lines: dict[tuple[int, object], AgingLine] = {}
    for item in sums:
        line = lines.get((item.party, item.key))
        if line is None:
            line = lines[(item.party, item.key)] = AgingLine(
                party=item.party,
                key=item.key,
                labels=item.labels,
                amounts=[0] * bucket_count,
                counts=[0] * bucket_count,
            )
        line.add(item)
    return list(lines.values())


def total_line(lines: list[AgingLine], bucket_count: int) -> AgingLine:
    total = AgingLine(party=-1, key=None, labels=(), amounts=[0] * bucket_count, counts=[0] * bucket_count)
    for line in lines:
        for i in range(bucket_count):
            total.amounts[i] += line.amounts[i]
            total.counts[i] += line.counts[i]
        total.over += line.over
        total.credits += line.credits
        total.credit_count += line.credit_count
    return total
