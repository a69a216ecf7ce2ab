"""ClaimMarks (services/era/marks.py) behaves as a dict of id → int with 0 for "none"."""

from __future__ import annotations

import random

import pytest

from ar_cli.services.era.marks import PAGE, PROMOTE, ClaimMarks


def _check(marks: ClaimMarks, model: dict[int, int], keys) -> None:
    for key in keys:
        assert marks.get(key) == model.get(key, 0)
        assert marks[key] == model.get(key, 0)
    assert len(marks) == sum(1 for v in model.values() if v)


@pytest.mark.parametrize("spread", [PAGE * 4, PAGE * 400, 10**12])
def test_marks_match_a_dict(spread: int) -> None:
    rng = random.Random(spread)
    marks, model = ClaimMarks(), {}
    keys = [rng.randrange(1, spread) for _ in range(3000)]
    for _ in range(20000):
        key = rng.choice(keys)
        roll = rng.random()
        if roll < 0.1:
            marks.pop(key)
            model.pop(key, None)
        else:
            value = rng.choice([0, 1, 3, rng.randrange(1 << 20), (1 << 63) - 1, 1 << 63, 1 << 200])
            marks[key] = value
            model[key] = value
    _check(marks, model, keys + [0, 1, spread + 5])


def test_dense_ids_are_paged_and_wide_values_kept() -> None:
    marks = ClaimMarks()
    for key in range(PAGE, PAGE + PROMOTE - 1):
        marks[key] = key
    assert not marks._pages  # still loose
    marks[PAGE + PROMOTE - 1] = 1 << 70
    assert list(marks._pages) == [1] and not marks._loose
    assert marks.get(PAGE + PROMOTE - 1) == 1 << 70
    marks[PAGE + PROMOTE - 1] = 5
    assert marks.get(PAGE + PROMOTE - 1) == 5 and not marks._wide
    assert [marks.get(k) for k in range(PAGE, PAGE + 3)] == [PAGE, PAGE + 1, PAGE + 2]
    assert marks.get(PAGE + PROMOTE) == 0


def test_negative_values_are_refused() -> None:
    with pytest.raises(ValueError):
        ClaimMarks()[1] = -1
