"""Values worked out once per distinct input, within bounds.

Bulk work (an import, ``ledger check``, the search index) meets the same texts over and over:
a 交办 to one unit on one day, the same shared string, 已处理. :class:`Remembered` works each
out once; being forgotten all at once every so many keys keeps a million rows in bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Remembered(dict[K, V]):
    """``convert(key)`` for each key looked up (``remembered[key]``), worked out once per
    distinct key and kept for the next lookups; all forgotten when ``limit`` are kept. With
    ``keeps``, only the keys it accepts are kept (a long text that will not recur is not)."""

    def __init__(
        self, convert: Callable[[K], V], limit: int, keeps: Callable[[K], bool] | None = None
    ) -> None:
        super().__init__()
        self.convert = convert
        self.limit = limit
        self.keeps = keeps

    def __missing__(self, key: K) -> V:
        value = self.convert(key)
        if self.keeps is None or self.keeps(key):
            if len(self) >= self.limit:
                self.clear()
            self[key] = value
        return value
