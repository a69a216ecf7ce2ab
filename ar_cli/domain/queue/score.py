"""Work-queue priority: which item to touch next, and a short reason why. Pure rules.

An item (an open claim, a held exception, unapplied money, a credit balance) scores the
sum of whole-number points from independent factors. Every factor but the flat ones is
a ramp `points * min(x, full) // full` of a non-negative whole number, so the score is
exact integer arithmetic that SQLite and PostgreSQL compute to the same number as this
module (store/queries/queue_scoring.py does, for speed; tests compare the two).

The factors and their default weights (points at full strength):

| factor      | points | full at   | what it measures                                               |
| ----------- | ------ | --------- | -------------------------------------------------------------- |
| money       | 40     | $2,000    | money at stake (what is owed, held, or owed back)              |
| age         | 30     | 180 days  | days since the date of service (exceptions: since held)        |
| denial      | 20     | flat      | an open denial on the claim ...                                |
| category    | 0–15   | flat      | ... plus points for its category (quick fixes score higher)    |
| deadline    | 60     | 0 days    | an appeal deadline or timely-filing limit within the window    |
|             |        | (window 30 days: 0 points 30 days out, 60 on the day itself)  |
| no_response | 15     | flat      | the payer holding it silent for queue.no_response_days         |
| payer       | 0      | flat      | points per payer code or financial class (queue.payer_points)  |
| untouched   | 20     | 60 days   | days since anyone touched it (posting, note, follow-up)        |
| exception / unapplied / credit | 30 / 20 / 25 | flat | what the item is: work a claim lacks |

"No response" counts from the day the coverage now holding the money became
responsible for it (the primary: billed; a secondary: when the money moved to it),
while that payer has not answered since (`days_without_response`).

A deadline already passed scores no deadline points (nothing can be filed any more);
its money and age still rank it, and its "why" says the deadline passed.
All of it is overridable per ledger with `ar-cli config set queue.weights …` (and
`queue.full_at`, `queue.category_points`, `queue.payer_points`); a setting names only
the factors it changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ar_cli.domain.codes.treatments import DenialCategory


class ItemKind(StrEnum):
    CLAIM = "claim"
    EXCEPTION = "exception"
    UNAPPLIED = "unapplied"
    CREDIT = "credit"


class DeadlineKind(StrEnum):
    APPEAL = "appeal"
    FILING = "filing"  # the payer's timely-filing limit, for a claim no payer answered yet


DEFAULT_POINTS: dict[str, int] = {
    "money": 40,
    "age": 30,
    "denial": 20,
    "deadline": 60,
    "no_response": 15,
    "untouched": 20,
    "exception": 30,
    "unapplied": 20,
    "credit": 25,
}
# Where each ramp reaches its full points: money in dollars, the others in days
# ("deadline" is the window: how many days before a deadline its points start).
DEFAULT_FULL_AT: dict[str, int] = {"money": 2000, "age": 180, "untouched": 60, "deadline": 30}
# Extra points per denial category: denials a person can fix quickly (resubmit with the
# missing data, correct a code, bill the right payer) come first; hard ones last.
DEFAULT_CATEGORY_POINTS: dict[str, int] = {
    str(category): points
    for category, points in {
        DenialCategory.MISSING_INFO: 15,
        DenialCategory.CODING: 12,
        DenialCategory.ELIGIBILITY: 12,
        DenialCategory.COORDINATION_OF_BENEFITS: 10,
        DenialCategory.AUTHORIZATION: 8,
        DenialCategory.MEDICAL_NECESSITY: 8,
        DenialCategory.BUNDLING: 6,
        DenialCategory.CREDENTIALING: 5,
        DenialCategory.OTHER: 5,
        DenialCategory.TIMELY_FILING: 3,
        DenialCategory.DUPLICATE: 2,
        DenialCategory.NON_COVERED: 2,
    }.items()
}
DEFAULT_NO_RESPONSE_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class QueueWeights:
    """Every number the score uses. `payer` maps a payer code or a financial class to
    points (a code wins over its class)."""

    points: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    full_at: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_FULL_AT))
    category: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CATEGORY_POINTS))
    payer: Mapping[str, int] = field(default_factory=dict)
    no_response_days: int = DEFAULT_NO_RESPONSE_DAYS

    @property
    def money_full_cents(self) -> int:
        return self.full_at["money"] * 100

    @property
    def window(self) -> int:
        return self.full_at["deadline"]

    def payer_points(self, code: str, financial_class: str) -> int:
        if code and code in self.payer:
            return self.payer[code]
        return self.payer.get(financial_class, 0) if financial_class else 0

    def category_points(self, category: str | None) -> int:
        if category is None:
            return 0
        return self.category.get(category, self.category.get(DenialCategory.OTHER, 0))


@dataclass(frozen=True, kw_only=True)
class QueueFacts:
    """What the score reads about one item, as whole numbers measured on the as-of date.

    amount: cents at stake, never negative (a credit's size). age_days: since the date
    of service (items other than claims: since they arose). deadline_days: days left to
    the nearest appeal deadline or filing limit (0 = today, negative = passed), or None.
    days_without_response: for a payer's balance, days since its coverage became
    responsible while that payer has not answered since (`days_without_response`),
    else None.
    untouched_days: days since the last posting, note or follow-up on it.
    """

    kind: ItemKind = ItemKind.CLAIM
    amount: int
    age_days: int
    payer_code: str = ""
    financial_class: str = ""
    denial_category: str | None = None
    deadline_days: int | None = None
    deadline_kind: DeadlineKind = DeadlineKind.APPEAL
    days_without_response: int | None = None
    untouched_days: int = 0


def days_without_response(*, as_of: date, responsible_since: date, answers: Iterable[date]) -> int | None:
    """How long the payer holding a balance has been silent: days from the day its
    coverage became responsible for the money (`responsible_since`) to `as_of`, while
    none of that payer's answers on the claim (the days its claim payments are dated:
    store/payer_answers.py) falls on or after that day; None once one does. The
    patient's balance waits for no payer: the caller asks only for a payer's."""
    if any(day >= responsible_since for day in answers):
        return None
    return (as_of - responsible_since).days


def ramp(points: int, value: int, full: int) -> int:
    """`points` scaled by how far `value` has come towards `full` (floor; 0 below 0)."""
    if full <= 0:
        return points if value > 0 else 0
    return points * min(max(value, 0), full) // full


def deadline_points(days_left: int | None, weights: QueueWeights) -> int:
    """0 beyond the window or once passed; the full points on the day itself."""
    if days_left is None or days_left < 0 or days_left > weights.window:
        return 0
    return ramp(weights.points["deadline"], weights.window - days_left, weights.window)


def score_parts(facts: QueueFacts, weights: QueueWeights) -> dict[str, int]:
    """Each factor's points (zeros included), in a fixed order."""
    p = weights.points
    responded = facts.days_without_response is None or facts.days_without_response <= weights.no_response_days
    return {
        "kind": 0 if facts.kind is ItemKind.CLAIM else p[facts.kind.value],
        "money": ramp(p["money"], facts.amount, weights.money_full_cents),
        "age": ramp(p["age"], facts.age_days, weights.full_at["age"]),
        "denial": p["denial"] if facts.denial_category is not None else 0,
        "category": weights.category_points(facts.denial_category),
        "deadline": deadline_points(facts.deadline_days, weights),
        "no_response": 0 if responded else p["no_response"],
        "payer": weights.payer_points(facts.payer_code, facts.financial_class),
        "untouched": ramp(p["untouched"], facts.untouched_days, weights.full_at["untouched"]),
    }


def score(facts: QueueFacts, weights: QueueWeights) -> int:
    return sum(score_parts(facts, weights).values())


def hidden_by_follow_up(*, follow_up_in: int | None, deadline_days: int | None) -> bool:
    """A follow-up date in the future (follow_up_in days away) hides an item until then —
    unless a deadline not yet passed falls on or before that date: a follow-up never
    hides a claim that is about to miss its appeal or filing limit."""
    if follow_up_in is None or follow_up_in <= 0:
        return False
    return not (deadline_days is not None and 0 <= deadline_days <= follow_up_in)


# -- the "why" ----------------------------------------------------------------------------


def whole_dollars(cents: int) -> str:
    """'$1,240' (rounded to the dollar: a reason, not an amount to post)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${(abs(cents) + 50) // 100:,}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _deadline_phrase(facts: QueueFacts, weights: QueueWeights) -> str:
    days = facts.deadline_days
    if days is None or days > weights.window:
        return ""
    what = "appeal" if facts.deadline_kind is DeadlineKind.APPEAL else "filing limit"
    if days < 0:
        return f"{what} passed {_days(-days)} ago"
    if days == 0:
        return f"{what} due today"
    return f"{what} due in {_days(days)}"


_KIND_WORDS = {
    ItemKind.EXCEPTION: "exception",
    ItemKind.UNAPPLIED: "unapplied money",
    ItemKind.CREDIT: "credit owed back",
}


def why(facts: QueueFacts, weights: QueueWeights, *, detail: str = "") -> str:
    """A short reason, most urgent first: 'appeal due in 3 days · $1,240 · 97 days'.

    `detail` names what a non-claim item is (an exception's kind, unapplied reason)."""
    parts = score_parts(facts, weights)
    words: list[str] = []
    if facts.kind is not ItemKind.CLAIM:
        words.append(f"{_KIND_WORDS[facts.kind]}: {detail}" if detail else _KIND_WORDS[facts.kind])
    deadline = _deadline_phrase(facts, weights)
    if deadline:
        words.append(deadline)
    if facts.denial_category is not None:
        words.append(f"denied: {facts.denial_category.replace('_', ' ')}")
    if parts["no_response"]:
        words.append(f"no response in {_days(facts.days_without_response or 0)}")
    words.append(whole_dollars(facts.amount))
    words.append(_days(facts.age_days))
    # Worth saying only when it differs from the age: touched once, then left alone.
    if parts["untouched"] * 2 >= weights.points["untouched"] and facts.untouched_days <= facts.age_days - 14:
        words.append(f"untouched {_days(facts.untouched_days)}")
    if parts["payer"]:
        words.append(f"{facts.payer_code or facts.financial_class} {parts['payer']:+d}")
    return " · ".join(words)
