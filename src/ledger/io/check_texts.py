"""A chunk of search entries compared with their documents in one go, for ``ledger check``.

The documents are :func:`ledger.store.fulltext.field_text` of the items' fields; the chunk's
items are kept apart by :data:`MARK` (:func:`same_texts` says why that is sound).
"""

from __future__ import annotations

from ledger.store.fulltext import RUN_GAP, field_text

# Documents of a chunk of items are compared as one text, each item's between marks: a run
# of letters no one writes (if a text holds it, the chunk is compared item by item, so only
# speed depends on its being rare). Short: it is cut into pairs once per item.
MARK = "qxjv"
MARK_TEXT = field_text((MARK,))


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
