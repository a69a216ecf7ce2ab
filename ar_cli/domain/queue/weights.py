"""The queue's weights as ledger settings: `name=number` lists, checked and read here.

`queue.weights` holds points per factor, `queue.full_at` where each ramp is full (money
in dollars, the rest in days), `queue.category_points` extra points per denial
category, `queue.payer_points` points per payer code or financial class. A setting
names only what it changes; the rest keep the defaults of domain/queue/score.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ar_cli.domain.queue.score import (
    DEFAULT_CATEGORY_POINTS,
    DEFAULT_FULL_AT,
    DEFAULT_NO_RESPONSE_DAYS,
    DEFAULT_POINTS,
    QueueWeights,
)

_PAIR = re.compile(r"^([A-Za-z0-9_.\-]+)\s*=\s*(\d{1,7})$")
_MAX_POINTS = 1000


def parse_pairs(text: str, *, allowed: frozenset[str] | None, positive: bool = False) -> dict[str, int]:
    """'money=50, age=20' → {'money': 50, 'age': 20}; ValueError names what is wrong
    (settings.py words it as "config KEY: 'TEXT' is not …")."""
    found: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = _PAIR.match(part)
        if not match:
            raise ValueError(f"a list like money=40,age=30 ({part!r} is not name=whole number)")
        name, number = match.group(1), int(match.group(2))
        if allowed is not None and name not in allowed:
            raise ValueError(
                f"a list of name=number with names from {', '.join(sorted(allowed))} ({name!r} is not one)"
            )
        if positive and number == 0:
            raise ValueError(f"a list of name=number above 0 ({name}=0)")
        if number > _MAX_POINTS * 100:
            raise ValueError(f"a list of reasonable numbers ({name}={number} is too large)")
        found[name] = number
    return found


def _normal(pairs: dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in pairs.items())


def check_points(value: str) -> str:
    return _normal(parse_pairs(value, allowed=frozenset(DEFAULT_POINTS)))


def check_full_at(value: str) -> str:
    return _normal(parse_pairs(value, allowed=frozenset(DEFAULT_FULL_AT), positive=True))


def check_category_points(value: str) -> str:
    return _normal(parse_pairs(value, allowed=frozenset(DEFAULT_CATEGORY_POINTS)))


def check_payer_points(value: str) -> str:
    # Payer codes are upper case in the ledger; financial classes lower case.
    pairs = parse_pairs(value, allowed=None)
    return _normal({(k.lower() if k.lower() in _CLASSES else k.upper()): v for k, v in pairs.items()})


_CLASSES = frozenset({"medicare", "medicaid", "commercial", "self-pay", "other"})


def weights_from_settings(values: Mapping[str, str]) -> QueueWeights:
    """The weights a ledger's settings make (keys absent or empty keep the defaults)."""

    def pairs(key: str, allowed: frozenset[str] | None) -> dict[str, int]:
        return parse_pairs(values.get(key, "") or "", allowed=allowed)

    no_response = values.get("queue.no_response_days", "") or str(DEFAULT_NO_RESPONSE_DAYS)
    return QueueWeights(
        points={**DEFAULT_POINTS, **pairs("queue.weights", frozenset(DEFAULT_POINTS))},
        full_at={**DEFAULT_FULL_AT, **pairs("queue.full_at", frozenset(DEFAULT_FULL_AT))},
        category={**DEFAULT_CATEGORY_POINTS, **pairs("queue.category_points", frozenset(DEFAULT_CATEGORY_POINTS))},
        payer=pairs("queue.payer_points", None),
        no_response_days=int(no_response),
    )
