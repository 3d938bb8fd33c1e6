"""Search documents as ``ledger check`` builds them: many at once, in a few calls in C.

:func:`index_text` is :func:`ledger.store.fulltext.field_text` (a property test holds them
together); :func:`same_texts` compares a chunk of index entries with their documents in one
go, items kept apart by :data:`MARK` (its docstring says why that is sound).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable

from ledger.store import fulltext

_LONG_RUN = re.compile(r"[^\W_]{2,}")  # fulltext's runs of letters and digits, 2 or more
RUN_GAP = f" {fulltext.FIELD_GAP} "
_ACROSS_RUNS = re.compile(" [^\x00]\x00 \x00[^\x00] ")  # a pair from two runs, with its spaces


def index_text(values: Iterable[str | None]) -> str:
    """:func:`ledger.store.fulltext.field_text` of ``values``, built in a few calls in C.

    The fields are joined by a newline — a boundary for NFKC, for case and for the runs
    alike — so that they are normalised and cut into runs in one call each. The runs, joined
    by NUL (never in a run), give all their pairs at once (:func:`_pairs`); a pair across
    two runs reads ``" x\\0 \\0y "`` and becomes the gap token.
    """
    text = normalise("\n".join(filter(None, values)))
    return _ACROSS_RUNS.sub(RUN_GAP, _pairs("\x00".join(_LONG_RUN.findall(text))))


def normalise(text: str) -> str:
    """:func:`ledger.store.fulltext.normalise`, faster on everyday Chinese text: its
    full-width punctuation (what makes NFKC take its slow path) is first replaced by what NFKC
    makes of it — the same result, since NFKC gives a text and its NFKC images alike —, and a
    text already in NFKC is only lowered."""
    for wide, narrow in _WIDE_PUNCTUATION:
        if wide in text:
            text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text.lower()
    return fulltext.normalise(text)


_WIDE_PUNCTUATION = tuple(
    (wide, unicodedata.normalize("NFKC", wide)) for wide in "（），：；！？　"
)


def _pairs(text: str) -> str:
    """``" ".join(map(str.__add__, text, text[1:]))``, six times faster: character codes are
    laid out three apart (first, second, space) by strided copies, not one string per pair."""
    if len(text) < 2:
        return ""
    codes = bytearray((" " * (3 * len(text) - 3)).encode(_UTF32))
    laid = memoryview(codes).cast("I")
    laid[0::3] = memoryview(text[:-1].encode(_UTF32, "surrogatepass")).cast("I")
    laid[1::3] = memoryview(text[1:].encode(_UTF32, "surrogatepass")).cast("I")
    return codes.decode(_UTF32, "surrogatepass")[:-1]


_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # memoryview's "I" order

# Documents of a chunk of items are compared as one text, each item's between marks: a run
# of letters no one writes (if a text holds it, the chunk is compared item by item).
MARK = "qxjvkwqxjvkw"
MARK_TEXT = index_text((MARK,))


class FieldTexts(dict[str | None, str]):
    """A field's value → its indexed form, remembered: community and place names, common
    results and replies recur on item after item. Bounded: forgotten every so many values."""

    LIMIT = 50_000

    def __missing__(self, value: str | None) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        self[value] = text = index_text((value,))
        return text


def same_texts(expected: str, stored: list[str], marks: int) -> bool:
    """Whether every stored text equals its expected one, compared in one go.

    ``stored`` holds each item's indexed text followed by :data:`MARK_TEXT`; ``expected``
    is the same made from the items' fields: their runs' pairs, each item's followed by the
    mark's, all joined by the gap token. Both are equal if every pair is; and only then,
    when the mark's text occurs exactly ``marks`` times in each: it holds no ``z``, so it
    never overlaps a gap token, and no text can hold it unnoticed, so the marks cut both
    texts at the same places.
    """
    joined = RUN_GAP.join(filter(None, stored))
    return expected == joined and joined.count(MARK_TEXT) == marks == expected.count(MARK_TEXT)
