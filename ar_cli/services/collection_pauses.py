"""Fewer garbage-collector passes while a bulk path runs.

Posting a remittance or importing a charge file allocates millions of short-lived
tuples and records that never form reference cycles; at the collector's default
threshold (700 allocations) it walks the young objects thousands of times and, each
tenth pass, everything the SQLAlchemy session holds: about 8% of posting a
100,000-claim 835. Raising the first threshold keeps cycles collected (memory stays
bounded) but far less often.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_BULK_THRESHOLD = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(_BULK_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
