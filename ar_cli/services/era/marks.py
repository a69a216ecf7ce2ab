"""A compact map from claim id to a non-negative int, 0 meaning "nothing" (issue #16:
the peak memory of posting a 1,000,000-claim 835).

ERA posting keeps, per claim paid in a remittance, the segment of its first payment and
the claim lines earlier payments used (services/era/poster.py). As dicts of int → int
those cost ~145 bytes a claim (the dict's slots and an int object for the key and for
the value): ~145 MB in a 1,000,000-claim remittance. Here ids are kept in pages of
PAGE consecutive ids, each page an array of 8-byte values, once a page holds
PROMOTE ids (so a page costs at most 2 KB / 16 = 128 bytes an id, ~8 bytes an id when
the ids are dense, as a remittance's claims mostly are); ids scattered more thinly stay
in a dict. A value that does not fit 63 bits stays in a dict too.
"""

from __future__ import annotations

from array import array

PAGE_BITS = 8
PAGE = 1 << PAGE_BITS  # ids a page
PROMOTE = 16  # ids in a page before it becomes an array
_SLOT = PAGE - 1
_WIDE = -1  # in a page: the value is in `_wide`
_MAX = (1 << 63) - 1  # the largest value an array slot holds
_ZEROS = array("q", bytes(8 * PAGE))


class ClaimMarks:
    """id → int ≥ 0; an id never set (or set to 0) gives 0."""

    __slots__ = ("_counts", "_loose", "_pages", "_wide")

    def __init__(self) -> None:
        self._pages: dict[int, array] = {}  # page number → its values (0: none)
        self._loose: dict[int, int] = {}  # id → value, for the ids of pages not made arrays
        self._counts: dict[int, int] = {}  # page number → how many of its ids are in _loose
        self._wide: dict[int, int] = {}  # id → value, for values past 63 bits in a page

    def get(self, key: int) -> int:
        page = self._pages.get(key >> PAGE_BITS)
        if page is None:
            return self._loose.get(key, 0)
        value = page[key & _SLOT]
        return self._wide[key] if value == _WIDE else value

    def __getitem__(self, key: int) -> int:
        return self.get(key)

    def __setitem__(self, key: int, value: int) -> None:
        if value < 0:
            raise ValueError(f"a claim mark is never negative: {value}")
        number = key >> PAGE_BITS
        page = self._pages.get(number)
        if page is not None:
            self._put(page, key, value)
            return
        loose = self._loose
        if not value:
            if loose.pop(key, None) is not None:
                left = self._counts[number] - 1
                if left:
                    self._counts[number] = left
                else:
                    del self._counts[number]
            return
        if key in loose:
            loose[key] = value
            return
        loose[key] = value
        count = self._counts.get(number, 0) + 1
        if count < PROMOTE:
            self._counts[number] = count
            return
        # The page holds enough ids: its values move into an array.
        self._counts.pop(number, None)
        page = self._pages[number] = array("q", _ZEROS)
        first = number << PAGE_BITS
        pop = loose.pop
        for slot in range(PAGE):
            moved = pop(first + slot, 0)
            if moved:
                self._put(page, first + slot, moved)

    def _put(self, page: array, key: int, value: int) -> None:
        if value > _MAX:
            page[key & _SLOT] = _WIDE
            self._wide[key] = value
            return
        if page[key & _SLOT] == _WIDE:
            del self._wide[key]
        page[key & _SLOT] = value

    def pop(self, key: int) -> None:
        """Forget the id (its value 0 again)."""
        self[key] = 0

    def __len__(self) -> int:
        """How many ids have a value other than 0."""
        return len(self._loose) + sum(len(page) - page.count(0) for page in self._pages.values())
